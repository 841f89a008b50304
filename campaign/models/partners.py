"""Partner charities that receive the money."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base
from campaign.models.types import UTCDateTime, utcnow


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    registration_number: Mapped[str | None] = mapped_column(String(40))  # 고유번호/사업자등록번호
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    issues_receipts: Mapped[bool] = mapped_column(default=False)  # 기부금영수증 발급 가능
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
