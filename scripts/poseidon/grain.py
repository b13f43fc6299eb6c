"""The Poseidon reference Grain LFSR (generate_parameters_grain.sage): round constants and MDS
candidates for x^5 over BN254. Independent of the Rust generator (arkworks') that writes
primitives/src/poseidon/constants.rs; used by mds_check.py.

    python3 grain.py T R_P   # prints the first and last round constants and M[0][0]
"""
import sys

P = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001


class Grain:
    """80-bit state: field (2 bits), S-box (4), n (12), t (12), R_F (10), R_P (10), 30 ones."""

    def __init__(self, field, sbox, n, t, rf, rp):
        bits = (format(field, '02b') + format(sbox, '04b') + format(n, '012b') + format(t, '012b')
                + format(rf, '010b') + format(rp, '010b') + '1' * 30)
        self.st = [int(b) for b in bits]
        for _ in range(160):
            self.step()

    def step(self):
        st = self.st
        b = st[62] ^ st[51] ^ st[38] ^ st[23] ^ st[13] ^ st[0]
        st.pop(0)
        st.append(b)
        return b

    def bit(self):
        # Self-shrinking: a pair (1, b) outputs b, a pair (0, _) outputs nothing.
        while True:
            b1, b2 = self.step(), self.step()
            if b1:
                return b2

    def bits(self, n):
        v = 0
        for _ in range(n):
            v = (v << 1) | self.bit()
        return v

    def field(self, n, p=P):
        """Round constants: n-bit values, rejected when >= p."""
        while True:
            v = self.bits(n)
            if v < p:
                return v


def constants(t, rf, rp, n=254):
    """(round constants, round-major, and the generator positioned at the MDS draws)."""
    g = Grain(1, 0, n, t, rf, rp)
    return [g.field(n) for _ in range((rf + rp) * t)], g


if __name__ == '__main__':
    t, rp = int(sys.argv[1]), int(sys.argv[2])
    c, g = constants(t, 8, rp)
    xy = [g.bits(254) % P for _ in range(2 * t)]
    m00 = pow((xy[0] + xy[t]) % P, P - 2, P)
    print(f't={t} R_P={rp} C[0]={c[0]:#x} C[last]={c[-1]:#x} M[0][0]={m00:#x}')
