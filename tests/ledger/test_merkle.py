"""The tree against the published RFC 6962/9162 vectors (Go transparency-dev/merkle,
proof/verify_test.go) and against the literal RFC recursion, plus tampering properties."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ledger import reference

from habeas.errors import VerificationError
from habeas.ledger import merkle

LEAF_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
               "606162636465666768696a6b6c6d6e6f"]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, path): the Go vectors count leaves from 1; these are 0-based.
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
LEAVES = [merkle.leaf_hash(bytes.fromhex(data)) for data in LEAF_INPUTS]


def stored_nodes(leaves: list[bytes]) -> dict[merkle.Key, bytes]:
    """Every perfect subtree, the way the log stores them at append time."""
    nodes: dict[merkle.Key, bytes] = {(0, i): leaf for i, leaf in enumerate(leaves)}
    tree = merkle.CompactRange(on_node=lambda level, index, digest:
                               nodes.__setitem__((level, index), digest))
    for leaf in leaves:
        tree.append(leaf)
    return nodes


def make_inclusion(index: int, leaves: list[bytes]) -> list[bytes]:
    return merkle.assemble(merkle.inclusion_keys(index, len(leaves)), stored_nodes(leaves))


def make_consistency(old: int, leaves: list[bytes]) -> list[bytes]:
    return merkle.assemble(merkle.consistency_keys(old, len(leaves)), stored_nodes(leaves))


def stored_root(size: int, nodes: dict[merkle.Key, bytes]) -> bytes:
    return merkle.fold([nodes[key] for key in merkle.root_keys(size)])


def test_empty_root_is_sha256_of_nothing() -> None:
    assert merkle.EMPTY_ROOT.hex() == hashlib.sha256(b"").hexdigest()
    assert stored_root(0, {}) == merkle.EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_published_roots(size: int) -> None:
    nodes = stored_nodes(LEAVES)
    assert stored_root(size, nodes).hex() == ROOTS[size - 1]
    tree = merkle.CompactRange()
    tree.extend(LEAVES[:size])
    assert tree.root().hex() == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_published_inclusion_proofs(index: int, size: int, path: list[str]) -> None:
    proof = make_inclusion(index, LEAVES[:size])
    assert [h.hex() for h in proof] == path
    root = bytes.fromhex(ROOTS[size - 1])
    merkle.verify_inclusion(index, size, LEAVES[index], proof, root)
    for wrong_index in {index - 1, index + 1, index ^ 2} - {index}:
        with pytest.raises(VerificationError):
            merkle.verify_inclusion(wrong_index, size, LEAVES[index], proof, root)
    for wrong_size in (size * 2, size // 2):
        with pytest.raises(VerificationError):
            merkle.verify_inclusion(index, wrong_size, LEAVES[index], proof, root)


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_published_consistency_proofs(old: int, new: int, path: list[str]) -> None:
    proof = make_consistency(old, LEAVES[:new])
    assert [h.hex() for h in proof] == path
    old_root, new_root = bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[new - 1])
    merkle.verify_consistency(old, new, old_root, new_root, proof)
    if proof:
        with pytest.raises(VerificationError):
            merkle.verify_consistency(old, new, new_root, old_root, proof)
        with pytest.raises(VerificationError):
            merkle.verify_consistency(old, new, old_root, new_root, [])


def test_single_leaf_needs_real_hashes() -> None:
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(0, 1, b"", [], b"")
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(0, 0, LEAVES[0], [], LEAVES[0])


def test_trivial_consistency() -> None:
    merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, LEAVES[0], [])
    merkle.verify_consistency(3, 3, LEAVES[0], LEAVES[0], [])
    for old, new, proof in [(3, 3, [LEAVES[1]]), (0, 3, [LEAVES[1]]), (4, 3, [])]:
        with pytest.raises(VerificationError):
            merkle.verify_consistency(old, new, LEAVES[0], LEAVES[0], proof)
    with pytest.raises(VerificationError):
        merkle.verify_consistency(3, 3, LEAVES[0], LEAVES[1], [])


def random_leaves(count: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(count)]


sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=150, deadline=None)
@given(sizes, st.data())
def test_inclusion_matches_reference_and_rejects_tampering(size: int, data: st.DataObject
                                                           ) -> None:
    leaves = random_leaves(size)
    index = data.draw(st.integers(0, size - 1))
    proof = make_inclusion(index, leaves)
    assert proof == reference.path(index, leaves)
    root = reference.mth(leaves)
    merkle.verify_inclusion(index, size, leaves[index], proof, root)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1))
        byte = data.draw(st.integers(0, 31))
        changed = list(proof)
        changed[at] = changed[at][:byte] + bytes([changed[at][byte] ^ 1]) + changed[at][byte + 1:]
        with pytest.raises(VerificationError):
            merkle.verify_inclusion(index, size, leaves[index], changed, root)
        with pytest.raises(VerificationError):
            merkle.verify_inclusion(index, size, leaves[index], proof[:-1], root)
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(index, size, leaves[index], [*proof, root], root)
    other = data.draw(st.integers(0, size).filter(lambda i: i != index))
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(other, size, leaves[index], proof, root)
    # A path binds the size only through its shape (the signed checkpoint binds the rest),
    # so the wrong sizes tried are those with another shape, as in the Go test suite.
    for wrong_size in (size * 2, size // 2):
        with pytest.raises(VerificationError):
            merkle.verify_inclusion(index, wrong_size, leaves[index], proof, root)
    flipped = bytes([leaves[index][0] ^ 0x80]) + leaves[index][1:]
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(index, size, flipped, proof, root)


@settings(max_examples=150, deadline=None)
@given(sizes, st.data())
def test_consistency_matches_reference_and_rejects_tampering(size: int, data: st.DataObject
                                                             ) -> None:
    leaves = random_leaves(size)
    old = data.draw(st.integers(1, size))
    proof = make_consistency(old, leaves)
    assert proof == reference.proof(old, leaves)
    old_root, new_root = reference.mth(leaves[:old]), reference.mth(leaves)
    merkle.verify_consistency(old, size, old_root, new_root, proof)
    if not proof:
        return
    at = data.draw(st.integers(0, len(proof) - 1))
    changed = list(proof)
    changed[at] = bytes([changed[at][0] ^ 0x10]) + changed[at][1:]
    with pytest.raises(VerificationError):
        merkle.verify_consistency(old, size, old_root, new_root, changed)
    with pytest.raises(VerificationError):
        merkle.verify_consistency(old, size, old_root, new_root, proof[:-1])
    with pytest.raises(VerificationError):
        merkle.verify_consistency(old, size, old_root, new_root, [*proof, new_root])
    with pytest.raises(VerificationError):
        merkle.verify_consistency(old, size, old_root, new_root, [old_root, *proof])
    wrong_old = data.draw(st.integers(1, size).filter(lambda n: n != old))
    with pytest.raises(VerificationError):
        merkle.verify_consistency(wrong_old, size, old_root, new_root, proof)
    for wrong_size in (size * 2, size // 2):
        with pytest.raises(VerificationError):
            merkle.verify_consistency(old, wrong_size, old_root, new_root, proof)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 70), min_size=1, max_size=6))
def test_chunked_extend_equals_one_by_one(chunks: list[int]) -> None:
    leaves = random_leaves(sum(chunks))
    fast, slow = merkle.CompactRange(), merkle.CompactRange()
    start = 0
    for chunk in chunks:
        fast.extend(leaves[start:start + chunk])
        start += chunk
        assert fast.size == start
        assert fast.root() == reference.mth(leaves[:start])
    for leaf in leaves:
        slow.append(leaf)
    assert slow.root() == fast.root()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 200), st.integers(0, 60))
def test_resuming_from_the_frontier_stores_every_node(before: int, after: int) -> None:
    leaves = random_leaves(before + after)
    everything = stored_nodes(leaves)
    first = stored_nodes(leaves[:before])
    found: dict[merkle.Key, bytes] = {}
    tree = merkle.CompactRange.from_frontier(
        before, [first[key] for key in merkle.root_keys(before)],
        lambda level, index, digest: found.__setitem__((level, index), digest))
    for leaf in leaves[before:]:
        tree.append(leaf)
    assert tree.root() == reference.mth(leaves)
    assert {k: v for k, v in everything.items() if k[0] > 0 and k not in first} == found


def _inclusion_keys_as_written_first(index: int, size: int) -> list[list[merkle.Key]]:
    """``inclusion_keys`` before it was unrolled for speed: the RFC recursion, literally."""
    path: list[list[merkle.Key]] = []
    start, end = 0, size
    while end - start > 1:
        k = 1 << ((end - start - 1).bit_length() - 1)
        if index < start + k:
            path.append(merkle.range_keys(start + k, end))
            end = start + k
        else:
            path.append(merkle.range_keys(start, start + k))
            start += k
    path.reverse()
    return path


@settings(max_examples=2000, deadline=None)
@given(st.integers(1, 2**48).flatmap(lambda n: st.tuples(st.integers(0, n - 1), st.just(n))))
def test_unrolled_inclusion_keys_equal_the_recursion(case: tuple[int, int]) -> None:
    index, size = case
    assert merkle.inclusion_keys(index, size) == _inclusion_keys_as_written_first(index, size)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(min_size=32, max_size=32), max_size=40))
def test_fold_is_the_right_to_left_node_hash_chain(hashes: list[bytes]) -> None:
    expected = hashes[-1] if hashes else merkle.EMPTY_ROOT
    for left in reversed(hashes[:-1]):
        expected = merkle.node_hash(left, expected)
    assert merkle.fold(hashes) == expected
