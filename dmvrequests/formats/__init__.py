"""The product's own date and time formats (settings.FORMAT_MODULE_PATH), over Django's for
English: see `en/formats.py`."""
