"""Codes the library's own send paths answer with (the guard and the websocket adapter), never
the exchange: a good item of a batch that was held back because another item fails."""

#: The local reply of a batch item that passes but was not sent with its batch.
HELD_BACK = "W201"
HELD_BACK_MESSAGE = ("held back, not sent: item {index} of this batch would be rejected "
                     "({code}), so the whole batch was held")
