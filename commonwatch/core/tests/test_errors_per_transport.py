"""Each domain error answers the same status on every transport."""

from __future__ import annotations

from commonwatch.core.errors import Conflict, NotAllowed, NotFound, socket_close


def test_a_socket_closes_with_4000_plus_the_status_and_the_message():
    assert socket_close(NotFound("Gone.")) == (4404, "Gone.")
    assert socket_close(NotAllowed("No.")) == (4403, "No.")
    assert socket_close(Conflict("Taken."))[0] == 4409


def test_a_long_reason_is_cut_to_what_a_close_frame_holds_without_splitting_a_letter():
    code, reason = socket_close(NotAllowed("é" * 100))
    assert code == 4403
    assert len(reason.encode()) <= 123 and set(reason) == {"é"}
