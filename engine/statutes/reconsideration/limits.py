"""The statutory numbers of administrative reconsideration: configurable, with the national defaults.

regulation.md marks the unsure ones [M]/[S]; refusals format these numbers from the configured value,
never from text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReconsiderationLimits:
    rc_application_days: int = 60     # RC-2: days to apply after knowing of the act
    rc_acceptance_working_days: int = 5  # RC-4: acceptance review, then deemed accepted
    rc_correction_working_days: int = 10  # RC-5: the applicant's time to supplement
    rc_copy_working_days: int = 7     # RC-9: copy to the respondent after acceptance
    rc_reply_working_days: int = 10   # RC-9: the respondent's reply after receipt
    rc_simplified_copy_working_days: int = 3  # RC-11
    rc_simplified_reply_working_days: int = 5  # RC-11
    rc_simplified_fine_limit: int = 3000  # RC-11: fines up to this amount (yuan) may go simplified
    rc_hearing_notice_working_days: int = 5  # RC-10: written notice before the hearing
    rc_investigators_minimum: int = 2  # RC-8
    rc_decision_days: int = 60        # RC-12: calendar days from acceptance
    rc_simplified_decision_days: int = 30  # RC-12
    rc_extension_days: int = 30       # RC-12: one extension at most
    rc_suspension_termination_days: int = 60  # RC-7: Art. 41(5)
    rc_opinion_letter_days: int = 60  # RC-15: Art. 76, corrections reported after an opinion letter
    rc_forwarding_working_days: int = 5  # RC-6: the penalty organ forwards an application lodged with it
    rc_suit_days: int = 15            # RC-6: suit after non-acceptance in review-first cases (Art. 34)
    rc_incidental_days: int = 30      # RC-14: the organ handles an incidental review itself
    rc_incidental_forward_working_days: int = 7  # RC-14: or forwards it to the organ that may
    rc_incidental_notice_working_days: int = 3  # RC-14: notice to the enacting organ
    rc_incidental_answer_working_days: int = 10  # RC-14: the enacting organ's written answer
    rc_incidental_reply_days: int = 60  # RC-14: the receiving organ's answer to a forwarded review
