"""Word notices: .docx from the XML with python-docx (`docx.read_docx`); .doc and .wps
through LibreOffice (`doc.read_ole`)."""
