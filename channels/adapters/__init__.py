"""One adapter per channel, each behind `channels.base.Channel`: it declares its settings and limits and sends one piece."""
