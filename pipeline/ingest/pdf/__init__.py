"""PDF notices, read page by page with pdfplumber (`reader.read_pdf`)."""
