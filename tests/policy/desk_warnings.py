"""A desk module with a warning row and a row that reuses an exchange code."""
from oxpreflight.rules import Above, Is, Rule
from oxpreflight.rules.examples import order

RULES = (
    Rule("D500", ("placeorder", "placeorders"), Is("timeInForce", ("GTC",)),
         "Desk: GTC orders outlive the session; say so.", bad=order(),
         good=order(timeInForce="IOC"), field="timeInForce", name="desk-gtc-notice",
         warning="timeInForce {value} outlives the trading session"),
    Rule("20006", ("placeorder", "placeorders"), Above("quantity", "100"),
         "Desk: treat a quantity above 100 as the exchange's quantity error.",
         bad=order(quantity="101"), good=order(quantity="100"), field="quantity",
         name="desk-quantity-cap"),
)
