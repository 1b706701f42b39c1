"""Bilingual text: every user-facing string in zhengan is Traditional Chinese first, English second."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator


class Text(BaseModel):
    """A message in Traditional Chinese (`zh`, shown first) and English (`en`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str
    en: str

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank / 不得為空白")
        return value

    def both(self, sep: str = " / ") -> str:
        """Both languages on one line, Chinese first."""
        return f"{self.zh}{sep}{self.en}"

    def get(self, language: str) -> str:
        """The text in `language` ('zh' or 'en'; anything starting with 'zh' is Chinese)."""
        return self.zh if language.lower().startswith("zh") else self.en
