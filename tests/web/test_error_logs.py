"""Personal data stays out of the logs: a failure on the public registration form is logged once,
with the error's type, the route and a request id, and none of what the registrant typed (neither
the form's values nor the SQL parameters of the failed statement)."""
import logging

from sqlalchemy import text

from auction.logs import JsonFormatter, quiet_drivers
from auction.services import registration as registration_service

from .test_registration_pages import register_online, registration_form
from ..services.test_registration import sale  # noqa: F401 - fixture

PERSONAL = registration_form()


async def test_a_failed_registration_logs_no_personal_data_and_its_traceback_once(
        client, db, sale, monkeypatch, caplog):  # noqa: F811
    async def failing_register(sessions, sale_id, data, **kwargs):
        async with sessions() as session, session.begin():   # a statement the database refuses, with the data bound
            await session.execute(text("INSERT INTO no_such_table (email, name, phone, address, born) "
                                       "VALUES (:email, :name, :phone, :address, :born)"),
                                  {"email": data.bidder.email, "name": data.bidder.last_name, "phone": data.bidder.phone,
                                   "address": data.bidder.address, "born": str(data.bidder.birth_date)})
    monkeypatch.setattr(registration_service, "register", failing_register)
    quiet_drivers()   # as `criee serve` sets up its logs
    caplog.set_level(logging.DEBUG)

    response = await register_online(client, sale.id)

    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    assert request_id in response.text and "Erreur interne" in response.text
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    logged = "\n".join(lines)
    for field in ("first_name", "last_name", "email", "phone", "address", "postcode", "city", "document_number"):
        assert PERSONAL[field] not in logged, f"the log holds the registrant's {field}"
    assert "1990" not in logged, "the log holds the birth date"
    tracebacks = [line for line in lines if "Traceback" in line]
    assert len(tracebacks) == 1, tracebacks
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].request_id == request_id
    assert errors[0].route == "/ventes/{sale_id:id}/inscription"
    assert errors[0].error.endswith(("OperationalError", "ProgrammingError"))


async def test_the_engine_hides_bound_parameters(db):
    assert db.engine.sync_engine.hide_parameters
