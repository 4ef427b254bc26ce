"""Every declared export shape. A new platform or generation is a new declaration here."""

from pipelines.formats import linkedin, meta, twitter, youtube
from pipelines.formats.spec import Column, ExportFormat, normalize_header

ALL_FORMATS: tuple[ExportFormat, ...] = (
    *twitter.FORMATS,
    *meta.FORMATS,
    *linkedin.FORMATS,
    *youtube.FORMATS,
)

__all__ = ["ALL_FORMATS", "Column", "ExportFormat", "normalize_header"]
