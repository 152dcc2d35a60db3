"""Deprecated alias of `content.config` (kept one step so branches written before it still merge)."""

from content.config import *  # noqa: F401,F403
from content.config import (ChannelSettings, ConfigError, Settings, config_path, from_mapping,  # noqa: F401
                            load, mask)
from content.kinds import PUBLISHABLE  # noqa: F401,E402 - moved to content.kinds
