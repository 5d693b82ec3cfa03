"""A desk's own rule module, as a user writes one: importable as ``tests.policy.desk_rules``."""
from oxpreflight.rules import Above, Absent, NotOneOf, Rule
from oxpreflight.rules.examples import order

PLACE = ("placeorder", "placeorders")

RULES = (
    Rule("D100", PLACE, NotOneOf("timeInForce", ("GTC", "IOC", "MAKER_ONLY")),
         "Desk: no FOK and no MAKER_ONLY_REPRICE.", bad=order(timeInForce="FOK"),
         good=order(timeInForce="IOC"), field="timeInForce", fill="value",
         name="desk-time-in-force", message="timeInForce xxx is not allowed on this desk"),
    Rule("D101", PLACE, Absent("clientOrderId"),
         "Desk: every order carries a clientOrderId.", bad=order(),
         good=order(clientOrderId=7), field="clientOrderId", name="desk-client-order-id",
         message="clientOrderId is required on this desk", error="BadRequest"),
    Rule("D102", PLACE, Above("displayQuantity", "0.5"),
         "Desk: iceberg slices of at most 0.5.", bad=order(displayQuantity="0.6"),
         good=order(displayQuantity="0.5"), field="displayQuantity", fill="value",
         name="desk-display-quantity", message="displayQuantity xxx is above the desk's 0.5"),
)
