"""The bundled offline demo news site, "The Loopback Ledger", and its server."""
