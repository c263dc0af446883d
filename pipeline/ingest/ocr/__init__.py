"""OCR for pages without a usable text layer: scanned PDF pages and image files.

The data flow, one page at a time (each page image is released before the next):

    PDF page or image frame -> grey image, red seals out    ocr.render
    skew and upside-down pages set straight                 ocr.orient
    image -> recognised text lines with confidence          ocr.recognise
    ruling lines -> crossings -> cells -> grids             ocr.table_grid
    lines and grids -> the PDF reader's `PageContent`       ocr.pages

so that the PDF reader's furniture, paragraph and table stages read a scan
as they read a text layer. `ocr.need` is the one place that decides whether
a PDF page needs OCR; `ocr.reader` reads image files (.png, .jpg, .tif).
"""
