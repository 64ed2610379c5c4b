"""Sources: fetch (httpx) and parse feeds, news APIs and pages into Articles."""
