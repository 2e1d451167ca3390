"""Joining's rules, apart from storage: who may take a seat, and where online people go."""

from facilitation.domain import admission


def test_online_people_fill_a_group_to_its_seats_before_the_next_opens_then_the_headroom_goes_to_the_emptiest():
    seats, capacity = 10, 12
    assert admission.online_group([(31, 0), (32, 0), (33, 0)], seats, capacity) == 31
    assert admission.online_group([(31, 10), (32, 3), (33, 0)], seats, capacity) == 32
    assert admission.online_group([(31, 11), (32, 10), (33, 10)], seats, capacity) == 32  # emptiest, first of equals
    assert admission.online_group([(31, 12), (32, 12), (33, 12)], seats, capacity) is None


def test_a_shared_code_admits_nobody_new_once_seats_are_personal():
    assert admission.shared_code_refusal(seat_codes=False, online=False) is None
    assert admission.shared_code_refusal(seat_codes=True, online=False) == "seat_code_needed"
    assert admission.shared_code_refusal(seat_codes=True, online=True) == "personal_link_needed"


def test_a_phone_takes_a_persons_share_and_a_code_admits_at_a_rooms_pace():
    assert admission.phone_may_sit(held=1, seats_per_phone=2) and not admission.phone_may_sit(2, 2)
    assert admission.phone_may_sit(held=50, seats_per_phone=0)  # no limit
    assert admission.has_room(11, 12) and not admission.has_room(12, 12)
    assert admission.code_budget(12) == (24, 0.2)
    assert admission.code_budget(12, groups=3) == (72, 0.6)  # the online code opens every online group
