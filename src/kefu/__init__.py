"""Kefu (客服绩效): performance appraisal for courier customer-service centres."""

from __future__ import annotations

__version__ = "0.1.0"
