"""證安 zhengan: Taiwan's cybersecurity rules for securities and futures firms, as working software."""

__version__ = "0.1.0"
