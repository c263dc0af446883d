"""What an export wrote and what it left out: the result types of `export_outputs`."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

# Why a JSON file under the output folder was not exported. Codes are stable
# strings, like the extraction's E-codes, so that users can grep for them.
SKIP_CODES: dict[str, str] = {
    "X001_unreadable": "the file could not be read as UTF-8 text",
    "X002_invalid_json": "the file is not valid JSON",
    "X003_not_a_record": "the JSON is not a notice record",
    "X004_duplicate_notice": "another file holds a record of the same notice (same notice ID)",
}


class SkippedFile(BaseModel):
    """A file that was read but not exported, with a code and the reason."""

    path: str = Field(description="the file, relative to the output folder")
    code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: [{self.code}] {self.reason}"


class WrittenFile(BaseModel):
    """One file of an export and the rows of each table it holds."""

    path: Path
    tables: dict[str, int] = Field(description="table name -> rows")


class ExportReport(BaseModel):
    """The outcome of one export: rows per table, files written, files skipped."""

    format: str
    dest: Path
    tables: dict[str, int] = Field(description="table name -> rows, in the order written")
    files: list[WrittenFile]
    skipped: list[SkippedFile] = Field(default_factory=list)
