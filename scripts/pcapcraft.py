"""pcapcraft.py: what the scripts that craft captures byte by byte share:
the Internet checksum (RFC 1071) and address literals as bytes.  Only
python3 struct; imported from the scripts beside it."""
import struct


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def a4(s):
    return bytes(int(x) for x in s.split("."))


def a6(s):
    head, _, tail = s.partition("::")
    h = [int(x, 16) for x in head.split(":") if x]
    t = [int(x, 16) for x in tail.split(":") if x]
    return struct.pack("!8H", *(h + [0] * (8 - len(h) - len(t)) + t))


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def write_pcap(path, dlt, frames, t0=1700000000, step_us=100000):
    """A classic microsecond pcap; a frame is bytes, or (bytes, wire
    length) for one the snaplen cut.  Frame i is stamped t0 + i*step_us."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, dlt))
        for i, fr in enumerate(frames):
            data, wire = fr if isinstance(fr, tuple) else (fr, len(fr))
            t = i * step_us
            f.write(struct.pack("<IIII", t0 + t // 1000000, t % 1000000, len(data), wire))
            f.write(data)
