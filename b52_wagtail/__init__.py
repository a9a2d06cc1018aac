"""b52-wagtail: Wagtail apps for the B 52-Verbändekooperation Baden-Württemberg."""

__version__ = "0.1.0"
