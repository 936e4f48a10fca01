"""newsdesk crawler: site declarations, spiders, extraction and the command line."""
