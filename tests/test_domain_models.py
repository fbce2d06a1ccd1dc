"""The registry document shapes (TypedDicts, the fast path of a full download) and the pydantic
models describe the same employee (SPEC E1)."""
from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError
from typing_extensions import get_type_hints

from sbtui.domain.models import Employee, EmployeeDoc, Registration, RegistrationDoc, WagePeriod, WagePeriodDoc


@pytest.mark.parametrize("model, doc", [(Employee, EmployeeDoc), (Registration, RegistrationDoc),
                                        (WagePeriod, WagePeriodDoc)])
def test_doc_and_model_have_the_same_fields(model, doc):
    assert set(model.model_fields) == set(get_type_hints(doc))


def test_doc_round_trip():
    e = Employee(id="E1", name="张无岂", id_number="11010519491231002X",
                 registrations=[Registration(unit_number="66259112241843", agency="社保中心", agency_system="enterprise",
                                             person_number="1", insurance_types=["110", "210"])],
                 wages=[WagePeriod(type="110", wage="8888.00", period_from="2024-01")],
                 added_on="2024-01-01", changed_on="2024-01-01", seq=3)
    doc = TypeAdapter(EmployeeDoc).validate_python(e.to_doc())
    assert doc["wages"][0]["wage"] == "8888.00"
    assert Employee.model_validate(doc) == e


@pytest.mark.parametrize("field, value", [("wage", "8,888.00"), ("wage", 8888.0), ("wage", "1.234"),
                                          ("period_from", "2024-13"), ("period_to", "202401")])
def test_doc_rejects_malformed_wages(field, value):
    good = {"type": "110", "wage": "8888.00", "period_from": "2024-01", "period_to": "2099-12"}
    with pytest.raises(ValidationError):
        TypeAdapter(WagePeriodDoc).validate_python({**good, field: value})
