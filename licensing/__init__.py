"""Licence types, applications, licences and the public register."""
