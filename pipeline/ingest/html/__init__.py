"""HTML pages of government sites: the article and its metadata (`reader.read_html`)."""
