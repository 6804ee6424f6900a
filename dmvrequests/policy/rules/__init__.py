"""The pure disclosure policy engine, split by reason to change.

- `schema`: the values the engine accepts, their groupings and `PolicyInputError`;
- `validation`: requests and profile rules checked and normalised;
- `wording`: the words of findings and of the decision summary;
- `evaluation`: the eleven steps that turn a request and rules into a result.

Callers import from `dmvrequests.policy.engine`, the stable public facade. Nothing
here touches the ORM, the clock or settings.
"""
