"""SQLAlchemy models: the storage of the domain. Import from here so Alembic sees every table."""
from .base import Base, UTCDateTime, utcnow
from .bidder import (BarredClearance, BarredPerson, BidRequest, Bidder, PersonalDataAccess, Registration,
                     RegistrationCheck, RegistrationRules)
from .bidlog import SaleEvent
from .case import Case, Claim, Creditor
from .inventory import InventoryAct, InventoryItem
from .office import Office, TariffPeriod, User, UserSession
from .sale import Lot, LotItem, LotPhoto, Sale

__all__ = [
    "Base", "UTCDateTime", "utcnow", "Bidder", "Registration", "RegistrationCheck", "RegistrationRules", "BidRequest",
    "BarredPerson", "BarredClearance", "PersonalDataAccess", "Case", "Claim", "Creditor",
    "Office", "TariffPeriod", "User", "UserSession", "Lot", "LotItem", "LotPhoto", "Sale", "SaleEvent", "InventoryAct", "InventoryItem",
]
