"""factcheck: check the numbers in a document against reference data, each other and the document.

The public API is small on purpose; everything else lives in private modules (``factcheck._*``).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
