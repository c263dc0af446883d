"""A local web page where reviewers check and correct what the pipeline extracted.

`catalog.py` lists the notices of an output folder, `source.py` reads their
text and PDF pages, `highlight.py` and `views.py` turn a record into what the
notice page shows, `edits.py` saves a reviewer's correction, `app.py` routes
requests and `server.py` serves them over HTTP (`python -m pipeline review`).

Hooks the pages keep stable for browser tests and scripts:

- index: `table#notices`, one `tr.notice` per input (`data-output`, `data-status`,
  `data-flags`; `.flagged`, `.status-failure`), `a.notice-link`, `.catalogue-count`,
  `.task-count`, `.flag-count`, `.correction-count`, `.error-code`, `.error-message`,
  `a#order-flagged` / `a#order-file`.
- notice: `pre#source` with one `mark.span[data-span=N]` per span (the first piece
  also has `id="span-N"`; the clicked value's marks get `.current`); `#source-missing`;
  `#page-view`, `img#page-image`, `#page-bbox`; `input#filter-flagged`;
  `input#reviewer-name`; `#status`; tables `#document`, `#catalogue`, `#tasks` with
  `.record[data-record-id]` (`.catalogue-item`, `.task`, `.flagged`); value cells
  `td.value[data-record-id][data-field="/name"]` (`.flagged-value`, `.corrected`,
  `.pending-correction`) holding `.value-text`, `.flag` (`.flag-code`,
  `.flag-reason`), `.correction`, `button.edit`, `form.edit-form` with
  `.edit-input`, `.edit-note`, `button.save`, `button.cancel`, then `.pending`
  and `.edit-message` (`.ok` or `.error`).
"""
from __future__ import annotations

from pipeline.review.app import ReviewApp, make_app
from pipeline.review.server import make_server, serve

__all__ = ["ReviewApp", "make_app", "make_server", "serve"]
