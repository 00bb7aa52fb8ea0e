#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regulator.settings")
    if os.environ.get("REGULATOR_EMBEDDED", "1") != "0":
        from regulator.embedded import ensure_services, wanted

        if wanted():
            # Embedded servers mean a developer's machine: run in development mode unless told otherwise.
            os.environ.setdefault("DJANGO_DEBUG", "1")
            ensure_services()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
