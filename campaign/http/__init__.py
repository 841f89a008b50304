"""What the site (campaign/web) and the JSON API (campaign/api) share at the HTTP boundary:
error answers (an HTML page or ``{"error": {...}}``), the messages of domain errors in the
reader's language, and file downloads. It depends on neither of them."""
