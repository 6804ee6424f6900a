from dmvrequests.cases.models import CaseNumberSequence


def next_case_number(year: int) -> str:
    """`DR-YYYY-NNNNNN`, without gaps (docs/decisions/0001-case-numbers.md).

    Insert the year's counter if it is missing (no error if a concurrent
    transaction just did), then lock it: numbers are issued one at a time and a
    rolled-back case rolls its number back too.
    """
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(year=year, last=0)], ignore_conflicts=True
    )
    sequence = CaseNumberSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"DR-{year}-{sequence.last:06d}"
