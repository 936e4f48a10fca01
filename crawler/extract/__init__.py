"""Article extraction: from a downloaded page to an Article item."""
