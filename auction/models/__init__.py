"""SQLAlchemy models: the storage of the domain. Import from here so Alembic sees every table."""
from .base import Base, UTCDateTime, utcnow
from .audit import AuditEntry
from .bidder import (BarredClearance, BarredPerson, BidRequest, Bidder, PersonalDataAccess, Registration,
                     RegistrationCheck, RegistrationRules)
from .bidlog import OnlineBidRefusal, SaleEvent
from .contest import Contest, ContestDelayPeriod, ContestDocument, ContestLot, ContestStep
from .case import AmicableOffer, Case, Claim, Creditor, OfferLetter
from .inventory import InventoryAct, InventoryItem
from .office import LegalInterestRate, Office, TariffPeriod, User, UserSession
from .ratelimit import RateLimit
from .publication import DebtorNotice, PublicationAct, PublicityOverride, SaleNotice
from .screens import ScreenConnection
from .record import RecordSeal, RecordSignature, RegisterEntry
from .sale import Lot, LotItem, LotPhoto, Sale
from .settlement import NumberSeries, SettlementEvent
from .vigilance import VigilanceDecision, VigilanceThreshold
from .declarations import DeclarationSent, DeclarationTerm

__all__ = [
    "Base", "UTCDateTime", "utcnow", "Bidder", "Registration", "RegistrationCheck", "RegistrationRules", "BidRequest",
    "BarredPerson", "BarredClearance", "PersonalDataAccess", "Case", "Claim", "Creditor",
    "Office", "TariffPeriod", "User", "UserSession", "Lot", "LotItem", "LotPhoto", "Sale", "SaleEvent", "OnlineBidRefusal", "ScreenConnection", "InventoryAct", "InventoryItem",
    "SettlementEvent", "NumberSeries",
    "LegalInterestRate",
    "VigilanceThreshold", "VigilanceDecision", "DeclarationTerm", "DeclarationSent",
    "Contest", "ContestLot", "ContestStep", "ContestDocument", "ContestDelayPeriod",
    "RecordSeal", "RecordSignature", "RegisterEntry",
    "AuditEntry", "AmicableOffer", "OfferLetter", "SaleNotice", "PublicationAct", "DebtorNotice", "PublicityOverride",
    "RateLimit",
]
