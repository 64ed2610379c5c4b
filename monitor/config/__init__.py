"""rules.yaml -> a typed, validated `Config`; every problem reported as FILE:LINE: key: message."""

from monitor.config.load import load_config
from monitor.config.model import (
    AliasSpec,
    Condition,
    Config,
    Entry,
    Rule,
    Settings,
    Source,
    Watchlist,
)

__all__ = [
    "AliasSpec",
    "Condition",
    "Config",
    "Entry",
    "Rule",
    "Settings",
    "Source",
    "Watchlist",
    "load_config",
]
