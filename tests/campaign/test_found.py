"""Inputs scripts/fuzz found crashing (minimised), kept as regressions."""
from __future__ import annotations

import pytest

from tests.campaign.test_campaign import check

FOUND = [
    ("cmdlet", "'a-b', 'c-d' | ForEach-Object Spl[regex] '-'", True),
    ("soup", "[pscustomobject]@{ 924775807 = 1 }", False),
    ("cmdlet", "Get-VMHardDiskDrive SQL01 | Resize-VHD -ToMinimumSize:$false", True),
    ("mutation", "$k = @(1, 2); $h = @{ $k = 'a'; @{} = 'b' }; $h[$k]; "
                 "[pscustomobject]@{ @($null) = 1 }", False),          # keys .NET hashes by reference
    ("soup", "class C { $false }", False),                             # a constant as a property
]


@pytest.mark.parametrize("kind, text, demo", FOUND)
def test_found_inputs_stay_fixed(kind, text, demo):
    check(kind, text, demo)
