"""The live room: the rules a command must pass, and its state, derived from the bid log.

`decide()` checks a command against the state and returns the event to append, or raises a named
error; `apply()` folds an event into the state; `replay()` rebuilds the state from the log. Live
and replay go through the same `apply()`, so the room after a restart is the room before it. The
state and its fold are in auction.domain.room_state (re-exported here, as the errors of
auction.domain.room_errors are).
"""
from __future__ import annotations

from typing import Any

from .defaults import RESALE_MENTION
from .money import format_euros
from .roles import Role
from .room_errors import (  # noqa: F401 - re-exported: callers import the errors from here
    RoomError, SaleNotOpen, SaleAlreadyOpen, SalePaused, SaleEnded, UnknownLot, LotWithdrawn, LotStillOpen,
    LotAlreadySold, LotNotOpen, PaddleNotValid, AlreadyLeading, BidTooLow, NoBid, CallsComplete,
    HammerNeedsCalls, LotHasBids, ReofferNotAllowed, StopRuleReached, OfficerRequired, ReasonRequired,
    InvalidCommand, StaleCommand, Outbid, OnlineBidPending, TextRequired, TextTooLong, SessionClosed,
    LotNotInDefault)
from .room_state import (  # noqa: F401 - re-exported: callers import the state from here
    Actor, Announcement, Bid, CaseInfo, LotInfo, LotResult, PaddleInfo, RoomState, SaleSetup, apply, replay)

BID_SOURCES = ("room", "online", "phone", "absentee")
# Who makes a bid of each source: the clerk enters room and phone bids; online bids come from the
# bidder's own screen; absentee bids are made by the room for the orders (auction/domain/absentee.py).
STAFF_SOURCES = ("room", "phone")
CALLS_BEFORE_HAMMER = 3  # CPCE R221-38: adjudication after three calls
ANNOUNCEMENT_MAX = 2000  # characters of an announcement to the room


def _expect(args: dict[str, Any], key: str, actual: int | None, message: str) -> None:
    """Commands may say which step they act on; a mismatch means the screen was out of date."""
    if key in args and args[key] is not None and args[key] != actual:
        raise StaleCommand(message)


# --- rules ---------------------------------------------------------------------------------------

Decision = tuple[str, dict[str, Any]]


def _require_open(state: RoomState) -> None:
    if state.status == "ready":
        raise SaleNotOpen("La vente n'est pas ouverte.")
    if state.status == "paused":
        raise SalePaused("La vente est suspendue : reprenez-la d'abord.")
    if state.status == "adjourned":
        raise SessionClosed(f"La séance n° {state.session} est close : ouvrez la séance suivante.")
    if state.status in ("stopped", "closed"):
        raise SaleEnded("La vente est terminée.")


def _require_lot(state: RoomState) -> int:
    _require_open(state)
    if state.lot_id is None:
        raise LotNotOpen("Aucun lot n'est en vente : ouvrez un lot.")
    return state.lot_id


def _reason(args: dict[str, Any]) -> str:
    reason = args.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ReasonRequired("Indiquez le motif.")
    return " ".join(reason.split())[:500]


def _int(args: dict[str, Any], key: str, label: str) -> int:
    value = args.get(key)
    if isinstance(value, bool) or not isinstance(value, int):   # exact JSON types: "200000" is no amount
        raise InvalidCommand(f"{label} manquant ou invalide.")
    return value


def decide(state: RoomState, setup: SaleSetup, command: str, args: dict[str, Any], actor: Actor) -> Decision:
    """The event a command produces in this state, or a RoomError saying why not."""
    handler = _COMMANDS.get(command)
    if handler is None:
        raise InvalidCommand(f"Commande inconnue : {command}.")
    if actor.role is Role.BIDDER and command == "bid":
        return _online_bid(state, setup, args, actor)
    if actor.role not in (Role.OFFICER, Role.CLERK):
        raise OfficerRequired("Seuls le commissaire de justice et ses clercs conduisent la vente.")
    return handler(state, setup, args, actor)


def _open_sale(state, setup, args, actor) -> Decision:
    if state.status != "ready":
        raise SaleAlreadyOpen("La vente est déjà ouverte." if state.status in ("open", "paused")
                              else "La vente est terminée.")
    return "sale_opened", {}


def _open_lot(state, setup, args, actor) -> Decision:
    _require_open(state)
    lot_id = _int(args, "lot_id", "Lot")
    lot = setup.lots.get(lot_id)
    if lot is None:
        raise UnknownLot("Ce lot n'appartient pas à cette vente.")
    if state.lot_id is not None:
        current = setup.lots[state.lot_id]
        raise LotStillOpen(f"Le lot {current.label} est encore en vente : adjugez-le ou passez-le.")
    result = state.results.get(lot_id)
    if lot.withdrawn or (result is not None and result.withdrawn):
        raise LotWithdrawn(f"Le lot {lot.label} a été retiré de la vente.")
    if result is not None and result.sold:
        raise LotAlreadySold(f"Le lot {lot.label} est déjà adjugé.")
    return "lot_opened", _stop_rule(state, setup, args, actor, lot, {"lot_id": lot_id})


def _stop_rule(state, setup, args, actor, lot: LotInfo, payload: dict[str, Any]) -> dict[str, Any]:
    """A lot of a case whose proceeds already cover its claims opens only on the officer's override."""
    if state.case_covered(setup, lot.case_id):
        case = setup.cases[lot.case_id]
        if not args.get("override_stop_rule"):
            raise StopRuleReached(
                f"Le produit du dossier {case.reference} couvre déjà les créances "
                f"({format_euros(case.claims_cents)}) : la vente de ses lots doit s'arrêter (CPCE L221-4). "
                "Seul le commissaire de justice peut poursuivre.")
        if actor.role is not Role.OFFICER:
            raise OfficerRequired("Seul le commissaire de justice peut poursuivre au-delà du seuil d'arrêt.")
        payload.update(stop_rule_override=True, reason=_reason(args))
    return payload


def _put_up_again(state, setup, args, actor) -> Decision:
    """A lot whose buyer defaulted (its default declared) is offered again in the same sale: it opens
    like any lot, noted as put up again on réitération des enchères, with the defaulting paddle and
    the first adjudication it follows."""
    _require_open(state)
    lot_id = _int(args, "lot_id", "Lot")
    lot = setup.lots.get(lot_id)
    if lot is None:
        raise UnknownLot("Ce lot n'appartient pas à cette vente.")
    if state.lot_id is not None:
        raise LotStillOpen(f"Le lot {setup.lots[state.lot_id].label} est encore en vente : adjugez-le ou passez-le.")
    paddle = setup.defaulted.get(lot_id)
    first = state.results.get(lot_id)
    if paddle is None or lot_id in state.put_up_again:
        raise LotNotInDefault(f"Le lot {lot.label} n'est pas en défaut de paiement : seul un lot dont le défaut est "
                           "constaté est remis en vente sur réitération des enchères.")
    if first is None or not first.sold or first.paddle != paddle:
        raise LotNotInDefault(f"Le lot {lot.label} n'est pas adjugé au panneau {paddle} dans cette vente.")
    payload = {"lot_id": lot_id, "paddle": paddle, "mention": RESALE_MENTION,
               "first_hammer_seq": first.seq, "first_hammer_cents": first.amount_cents}
    return "lot_put_up_again_in_room", _stop_rule(state, setup, args, actor, lot, payload)


def _bid(state, setup, args, actor) -> Decision:
    """A bid entered by the clerk: in the room, or for a bidder on the phone."""
    source = args.get("source", "room")
    if source not in BID_SOURCES:
        raise InvalidCommand("Origine de l'enchère inconnue.")
    if source == "online":
        raise InvalidCommand("Les enchères en ligne viennent de l'écran de l'enchérisseur connecté.")
    if source == "absentee":
        raise InvalidCommand("Les ordres d'achat sont exécutés automatiquement par la salle.")
    lot_id = _bid_lot(state, args)
    paddle = _int(args, "paddle", "Numéro de panneau")
    amount = _int(args, "amount_cents", "Montant")
    if paddle not in setup.paddles:
        raise PaddleNotValid(f"Le panneau {paddle} n'est pas un panneau vérifié de cette vente.")
    if source == "phone" and paddle not in setup.phone_paddles:
        raise PaddleNotValid(f"Le panneau {paddle} n'a pas demandé à enchérir par téléphone dans cette vente.")
    return "bid", _check_bid(state, setup, args, lot_id, paddle, amount, source)


def _online_bid(state, setup, args, actor) -> Decision:
    """A bid from a bidder's own screen: the paddle is the one the bidder's session holds (the
    service puts it in `args`), of the online channel."""
    lot_id = _bid_lot(state, args)
    paddle = _int(args, "paddle", "Numéro de panneau")
    amount = _int(args, "amount_cents", "Montant")
    info = setup.paddles.get(paddle)
    if info is None or info.channel != "online":
        raise PaddleNotValid("Vous n'avez pas de panneau vérifié pour enchérir en ligne dans cette vente.")
    return "bid", _check_bid(state, setup, args, lot_id, paddle, amount, "online")


def _bid_lot(state: RoomState, args: dict[str, Any]) -> int:
    """The lot on the block; a bid that names another lot (`lot_id`) came too late for it."""
    _require_open(state)
    expected = args.get("lot_id")
    if expected is not None and expected != state.lot_id:
        raise LotNotOpen("Trop tard : ce lot n'est plus en vente.")
    return _require_lot(state)


def _check_bid(state, setup, args, lot_id: int, paddle: int, amount: int, source: str) -> dict[str, Any]:
    """The rules every bid passes. A bid may name the bid it was made against (`expected_bid_seq`,
    null for the first bid of the lot): when another bid took that step first, it is outbid."""
    current = state.current_bid
    minimum = state.next_minimum(setup)
    if "expected_bid_seq" in args and args["expected_bid_seq"] != (current.seq if current else None):
        if current is None:
            raise Outbid("L'enchère que vous couvriez a été retirée : vérifiez le montant.",
                         {"current_bid": None, "next_minimum_cents": minimum})
        raise Outbid(f"Surenchéri : l'enchère est maintenant de {format_euros(current.amount_cents, with_cents=False)} "
                     f"(panneau {current.paddle}). Prochaine enchère : {format_euros(minimum, with_cents=False)}.",
                     {"current_bid": {"seq": current.seq, "amount_cents": current.amount_cents,
                                      "paddle": current.paddle, "source": current.source},
                      "next_minimum_cents": minimum})
    if setup.paddles[paddle].blocked:
        raise PaddleNotValid(f"Le panneau {paddle} est bloqué (défaut de paiement) : il ne peut pas enchérir.")
    if current is not None and current.paddle == paddle:
        raise AlreadyLeading(f"Le panneau {paddle} est déjà le plus offrant.")
    if amount <= 0:
        raise BidTooLow("Une enchère est un prix (C. civ. 1591) : son montant est un nombre entier de centimes "
                        "supérieur à 0.")
    if amount < minimum:
        raise BidTooLow(f"Enchère trop basse : le minimum est {format_euros(minimum, with_cents=False)}.")
    return {"lot_id": lot_id, "paddle": paddle, "amount_cents": amount, "source": source}


def _retract(state, setup, args, actor) -> Decision:
    lot_id = _require_lot(state)
    current = state.current_bid
    if current is None:
        raise NoBid("Aucune enchère à retirer.")
    _expect(args, "bid_seq", current.seq, "L'enchère en cours a changé : vérifiez avant de la retirer.")
    return "bid_retracted", {"lot_id": lot_id, "bid_seq": current.seq, "paddle": current.paddle,
                             "amount_cents": current.amount_cents}


def _call(state, setup, args, actor) -> Decision:
    lot_id = _require_lot(state)
    if state.current_bid is None:
        raise NoBid("Aucune enchère : rien à crier. Passez le lot s'il ne trouve pas preneur.")
    if state.calls >= CALLS_BEFORE_HAMMER:
        raise CallsComplete("Les trois criées sont faites : adjugez.")
    _expect(args, "number", state.calls + 1, f"La criée n° {state.calls + 1} est la prochaine : l'écran n'était pas à jour.")
    return "call", {"lot_id": lot_id, "number": state.calls + 1}


def _hammer(state, setup, args, actor) -> Decision:
    lot_id = _require_lot(state)
    current = state.current_bid
    if current is None:
        raise NoBid("Pas d'adjudication sans enchère : passez le lot.")
    _expect(args, "expected_bid_seq", current.seq,
            "Une nouvelle enchère est arrivée : vérifiez l'adjudicataire et le prix avant d'adjuger.")
    payload: dict[str, Any] = {"lot_id": lot_id, "paddle": current.paddle, "amount_cents": current.amount_cents,
                               "registration_id": setup.paddles[current.paddle].registration_id}
    if state.calls < CALLS_BEFORE_HAMMER:
        # CPCE R221-38: after three calls, with no exception for anyone, the officer included.
        raise HammerNeedsCalls(f"Adjudication après trois criées (CPCE R221-38), sans exception : "
                               f"{state.calls} faite{'s' if state.calls > 1 else ''} sur {CALLS_BEFORE_HAMMER}.")
    return "hammer", payload


def _pass(state, setup, args, actor) -> Decision:
    lot_id = _require_lot(state)
    if state.current_bid is not None:
        raise LotHasBids("Le lot a une enchère : adjugez-le ou retirez l'enchère.")
    return "lot_passed", {"lot_id": lot_id}


def _reoffer(state, setup, args, actor) -> Decision:
    _require_open(state)
    lot_id = _int(args, "lot_id", "Lot")
    if state.lot_id is not None:
        raise LotStillOpen("Un lot est en vente : terminez-le d'abord.")
    last = state.last_hammer
    if last is None or last.lot_id != lot_id or lot_id not in state.results:
        raise ReofferNotAllowed("Seul le dernier lot adjugé peut être remis en vente (contestation à l'adjudication).")
    return "lot_reoffered", {"lot_id": lot_id, "reason": _reason(args)}


def _pause(state, setup, args, actor) -> Decision:
    _require_open(state)
    payload = {"reason": " ".join(str(args["reason"]).split())[:500]} if args.get("reason") else {}
    return "paused", payload


def _resume(state, setup, args, actor) -> Decision:
    if state.status != "paused":
        raise SaleNotOpen("La vente n'est pas suspendue.")
    return "resumed", {}


def _stop(state, setup, args, actor) -> Decision:
    if state.status not in ("open", "paused"):
        _require_open(state)
    if state.lot_id is not None:
        raise LotStillOpen("Un lot est en vente : adjugez-le ou passez-le d'abord.")
    return "sale_stopped", {"reason": _reason(args)}


def _session_is_open(state: RoomState) -> bool:
    return state.status in ("open", "paused", "stopped")


def _close_session(state, setup, args, actor) -> Decision:
    """The officer closes the session (R221-39: each session is closed and signed): its part of the
    record is final. Allowed after the stop rule; never with a lot on the block."""
    if not _session_is_open(state):
        if state.status == "adjourned":
            raise SessionClosed(f"La séance n° {state.session} est déjà close.")
        _require_open(state)
    if actor.role is not Role.OFFICER:
        raise OfficerRequired("Seul le commissaire de justice clôt une séance.")
    if state.lot_id is not None:
        raise LotStillOpen("Un lot est en vente : adjugez-le, passez-le ou retirez-le avant de clore la séance.")
    return "session_closed", {"session": state.session}


def _open_session(state, setup, args, actor) -> Decision:
    """The next session of a sale held over several sessions (days)."""
    if state.status != "adjourned":
        if _session_is_open(state):
            raise SaleAlreadyOpen(f"La séance n° {state.session} est en cours.")
        _require_open(state)
    if state.stopped:
        raise SaleEnded("La vente est arrêtée (CPCE L221-4) : il ne reste qu'à la clore.")
    return "session_opened", {"session": state.session + 1}


def _close_sale(state, setup, args, actor) -> Decision:
    """Ends the sale; a session still open closes with it, so only the officer may then do it."""
    if state.status == "adjourned":
        return "sale_closed", {}
    if not _session_is_open(state):
        _require_open(state)
    if state.lot_id is not None:
        raise LotStillOpen("Un lot est en vente : adjugez-le ou passez-le d'abord.")
    if actor.role is not Role.OFFICER:
        raise OfficerRequired("Clore la vente clôt la séance en cours : seul le commissaire de justice "
                              "clôt une séance.")
    return "sale_closed", {"session": state.session}


def _announce(state, setup, args, actor) -> Decision:
    """An announcement made to the room (a corrected description, a change to the conditions): it
    binds, so it goes into the log and the record."""
    if not _session_is_open(state):
        _require_open(state)
    text = args.get("text")
    lines = [" ".join(line.split()) for line in text.splitlines()] if isinstance(text, str) else []
    text = "\n".join(line for line in lines if line)
    if not text:
        raise TextRequired("Indiquez le texte de l'annonce.")
    if len(text) > ANNOUNCEMENT_MAX:
        raise TextTooLong(f"Une annonce tient en {ANNOUNCEMENT_MAX} caractères au plus ({len(text)} ici).")
    return "announcement", {"text": text, "lot_id": state.lot_id}


def _withdraw(state, setup, args, actor) -> Decision:
    """The officer withdraws the lot on the block, bids or not: it ends unsold, its last bid is
    recorded (the record states it; A444-3 charges a sixth of the rate on it)."""
    lot_id = _require_lot(state)
    if actor.role is not Role.OFFICER:
        raise OfficerRequired("Seul le commissaire de justice retire un lot mis en vente.")
    reason = _reason(args)
    current = state.current_bid
    _expect(args, "expected_bid_seq", current.seq if current else None,
            "Une nouvelle enchère est arrivée : vérifiez avant de retirer le lot.")
    last_bid = None if current is None else {"seq": current.seq, "paddle": current.paddle,
                                             "amount_cents": current.amount_cents, "source": current.source}
    return "lot_withdrawn", {"lot_id": lot_id, "reason": reason, "last_bid": last_bid}


_COMMANDS = {
    "open_sale": _open_sale, "open_lot": _open_lot, "bid": _bid, "retract_bid": _retract, "call": _call,
    "hammer": _hammer, "pass_lot": _pass, "reoffer_lot": _reoffer, "pause": _pause, "resume": _resume,
    "stop_sale": _stop, "close_sale": _close_sale,
    "announce": _announce, "withdraw_lot": _withdraw, "close_session": _close_session,
    "open_session": _open_session,
    "put_up_again": _put_up_again,
}
COMMANDS = tuple(_COMMANDS)
