#!/usr/bin/env python3
"""Independent checker for kernel/x86: recount basic blocks, CFG edges and
exit edges of kernel functions from GNU objdump text, with the rules of
kernel/x86/doc.go implemented a second time here, and compare with the
counts kernel/x86 printed.

usage: cfgcheck.py VMLINUX SAMPLE NORETURN
  SAMPLE:   lines "name addr size blocks edges exits cc" (cfgdump -sample)
  NORETURN: noreturn function names, one a line (cfgdump -noreturn); the
            noreturn set is an input of the CFG rules, not a result checked here.
"""
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

LINE = re.compile(r'^\s*([0-9a-f]+):\t(.*)$')
PREFIXES = {'notrack', 'bnd', 'cs', 'ds', 'es', 'ss', 'fs', 'gs', 'data16', 'data32',
            'addr32', 'lock', 'rex', 'rex.W', 'rex.B', 'rex.R', 'rex.X', 'rex.WB', 'rex.WR',
            'rex.WX', 'rex.RB', 'rex.RX', 'rex.XB', 'rex.WRB', 'rex.WRX', 'rex.WXB',
            'rex.RXB', 'rex.WRXB'}
RETURN_THUNKS = {'__x86_return_thunk', 'zen_untrain_ret', 'srso_return_thunk',
                 'srso_alias_return_thunk', 'retbleed_return_thunk', '__x86_return_skl',
                 'srso_untrain_ret', 'entry_untrain_ret'}
COND = re.compile(r'^(j(?!mp)[a-z]+|loop[a-z]*|xbegin)$')


def disassemble(vmlinux, start, stop):
    out = subprocess.run(['objdump', '-d', '--no-show-raw-insn', '--start-address=%#x' % start,
                          '--stop-address=%#x' % stop, vmlinux],
                         capture_output=True, text=True, check=True).stdout
    insns = []
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        insns.append((int(m.group(1), 16), m.group(2).strip()))
    return insns


def classify(text):
    """Returns (kind, target, symbol) for one objdump instruction text."""
    words = text.split()
    while words and (words[0] in PREFIXES or words[0].startswith('rex.')):
        words = words[1:]
    if not words:
        return 'other', None, None
    op, rest = words[0], ' '.join(words[1:])
    target = sym = None
    m = re.match(r'^([0-9a-f]+)(?: <([^>]+)>)?$', rest)
    if m:
        target, sym = int(m.group(1), 16), m.group(2)
    if op in ('ret', 'retq', 'lret', 'lretq', 'iret', 'iretq', 'iretl', 'sysret', 'sysretq',
              'sysretl', 'sysexit', 'sysexitl', 'sysexitq'):
        return 'ret', None, None
    if op in ('ud2', 'ud1', 'ud0', 'ud1l', 'ud1q', 'ud0l'):
        return 'trap', None, None
    if op == 'int3':
        return 'int3', None, None
    if op in ('nop', 'nopl', 'nopw', 'nopq') or (op == 'xchg' and rest == '%ax,%ax'):
        if op == 'nop' and rest and not rest.startswith('0x') and not rest.startswith('('):
            return 'other', None, None
        return 'nop', None, None
    if op in ('jmp', 'jmpq'):
        return ('jmp', target, sym) if target is not None else ('jmp*', None, None)
    if op in ('call', 'callq'):
        return ('call', target, sym) if target is not None else ('call*', None, None)
    if op in ('ljmp', 'ljmpq', 'ljmpl'):
        return 'jmp*', None, None
    if op in ('lcall', 'lcallq', 'lcalll'):
        return 'call*', None, None
    if COND.match(op) and target is not None:
        return 'cond', target, sym
    return 'other', None, None


def count(insns, start, stop, noreturn):
    size = stop - start
    starts = {a - start for a, _ in insns}
    rows = []
    for a, text in insns:
        kind, target, sym = classify(text)
        rows.append((a - start, kind, target, sym))
    lens = {}
    for i, r in enumerate(rows):
        lens[r[0]] = (rows[i + 1][0] if i + 1 < len(rows) else size) - r[0]

    def inside(t):
        return t is not None and start <= t < stop and (t - start) in starts

    def outside(t):
        return t is not None and not (start <= t < stop)

    def noret_call(kind, sym):
        return kind == 'call' and sym is not None and '+' not in sym and sym in noreturn

    leaders = {0: {'entry'}}
    for off, kind, target, sym in rows:
        end = off + lens[off]
        after = None
        if kind == 'cond':
            if inside(target):
                leaders.setdefault(target - start, set()).add('target')
            after = 'fall'
        elif kind == 'jmp':
            if inside(target):
                leaders.setdefault(target - start, set()).add('target')
            after = 'term'
        elif kind in ('jmp*', 'ret', 'trap', 'int3'):
            after = 'term'
        elif noret_call(kind, sym):
            after = 'term'
        if after and end < size:
            leaders.setdefault(end, set()).add(after)
    offs = sorted(leaders)
    blocks = edges = exits = 0
    k = 0
    for j, l in enumerate(offs):
        end = offs[j + 1] if j + 1 < len(offs) else size
        while k < len(rows) and rows[k][0] < l:
            k += 1
        mine = []
        while k < len(rows) and rows[k][0] < end:
            mine.append(rows[k])
            k += 1
        pad = bool(mine) and all(r[1] in ('nop', 'int3') for r in mine) and mine[0][0] == l
        if pad and leaders[l] == {'term'}:
            continue
        blocks += 1
        last = mine[-1] if mine else None

        def fall():
            return (1, 0) if end < size else (0, 1)
        if last is None:
            e, x = fall()
        else:
            off, kind, target, sym = last
            if kind == 'cond':
                e, x = (1, 0) if inside(target) else (0, 1)
                fe, fx = fall()
                e, x = e + fe, x + fx
            elif kind == 'jmp':
                e, x = (1, 0) if inside(target) else (0, 1)
            elif kind in ('jmp*', 'ret', 'trap', 'int3') or noret_call(kind, sym):
                e, x = 0, 1
            else:
                e, x = fall()
        edges += e
        exits += x
    cc = edges + exits - blocks + 1 if blocks else 0
    return blocks, edges, exits, cc


def main():
    vmlinux, sample, noretfile = sys.argv[1:4]
    noreturn = {l.strip() for l in open(noretfile) if l.strip()}
    funcs = []
    for line in open(sample):
        name, addr, size, b, e, x, cc = line.split()
        funcs.append((name, int(addr, 16), int(size, 16), (int(b), int(e), int(x), int(cc))))

    def one(f):
        name, addr, size, ours = f
        return f, count(disassemble(vmlinux, addr, addr + size), addr, addr + size, noreturn)

    agree = 0
    with ThreadPoolExecutor(max_workers=2) as ex:
        for (name, addr, size, ours), theirs in ex.map(one, funcs):
            if ours == theirs:
                agree += 1
            else:
                print('MISMATCH %s %#x size %#x ours b/e/x/cc=%s objdump=%s' % (name, addr, size, ours, theirs))
    n = len(funcs)
    print('agreement: %d/%d functions (%.1f%%)' % (agree, n, 100.0 * agree / max(n, 1)))
    return 0 if agree == n else 1


if __name__ == '__main__':
    sys.exit(main())
