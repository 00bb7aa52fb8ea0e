from django.core.cache import cache

from regulator.api.throttling import ClientRateThrottle


def test_each_client_is_throttled_on_its_own(world, api_as, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/minute"})
    for persona in ("xq_client", "city_client"):  # only these counters: the Redis database is shared
        cache.delete(ClientRateThrottle.cache_format % {"scope": "client", "ident": world.users[persona].pk})
    busy, other = api_as("xq_client"), api_as("city_client")

    statuses = [busy.get("/api/v1/me/").status_code for _ in range(4)]
    throttled = busy.get("/api/v1/me/")

    assert statuses == [200, 200, 200, 429]
    assert throttled.json()["error"]["code"] == "throttled" and "Retry-After" in throttled.headers
    assert other.get("/api/v1/me/").status_code == 200
