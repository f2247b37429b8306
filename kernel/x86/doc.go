// Package x86 measures x86-64 kernel code: it decodes machine code, builds a
// control-flow graph per function, computes McCabe cyclomatic complexity,
// builds the static call graph and, per syscall, the functions reachable from
// its entry point (sysweight's `complexity` and `reach` metrics).
//
// It owns decoding and graphs only. Its input is the bytes of the kernel's
// text, their address and a list of Func{Name, Addr, Size}; reading a vmlinux
// or a bzImage and recovering kallsyms belong to kernel/image and
// kernel/kallsyms (kernel/x86/internal/vmlinux is a small ELF feeder for the
// tests, scripts/check-cfg.sh and scripts/bench-kernel.sh). It never parses
// objdump text; objdump serves only as the independent checker in
// scripts/check-cfg.sh.
//
// # Decoding
//
// Each function is swept linearly from its start to its end (the symbol
// size, or the next symbol when the size is unknown). DecodeFast, a length
// decoder for the x86-64 opcode maps, decodes each instruction; what it does
// not know (opcodes invalid in 64-bit mode) goes to x86asm (DecodeRef); what
// neither knows is skipped one byte at a time and counted in
// FuncInfo.Undecoded. Over the whole Debian 6.1 kernel the two decoders
// agree on every instruction except 79 system instructions that x86asm
// v0.33.0 misdecodes or does not know (vmgexit, vmcall, wrpkru, serialize,
// vzeroupper, ...; listed in insn_test.go); none is a branch.
// endbr64 (f3 0f 1e fa) decodes as an ordinary 4-byte instruction. A run of
// int3 bytes is one trap instruction.
//
// # Control-flow graph
//
// Block leaders are the entry, every target of a jump inside the function,
// and the instruction after a conditional jump, jmp, ret, trap or noreturn
// call. Calls do not end blocks. A block that is a leader only because it
// follows an unconditional terminator and holds nothing but NOPs (90,
// 0f 1f /0) and int3 is padding (alignment, straight-line-speculation int3)
// and is not counted.
//
// Edges: a conditional jump (jcc, loop, jrcxz, xbegin) has two, its target
// and its fall-through; jmp one; any other block falls through to the next
// one. All ways of leaving the function are edges to one virtual exit node:
// ret, iret, sysret; `jmp __x86_return_thunk` (the return thunk); traps (ud2,
// ud1, ud0: BUG() and WARN paths end here; int3); calls of noreturn
// functions; jumps to other functions (tail calls, including jumps into
// another symbol such as foo.cold); indirect jumps (`jmp *%rax`, `notrack
// jmp`, `jmp __x86_indirect_thunk_rax`), whose targets (jump tables) are not
// resolved; jumps into the middle of an instruction; running off the end of
// the symbol. A conditional jump out of the function is one exit edge plus
// its fall-through.
//
// CC = E − N + 2 over that graph with the exit node counted as a node, i.e.
// (Edges + Exits) − (Blocks + 1) + 2. Every block has one out-edge except
// conditional ones, which have two, so CC is also the number of conditional
// jumps in non-padding blocks plus one, and unreachable blocks do not change
// it. Switches compiled to jump tables count as one decision; the kernel is
// built with -fno-jump-tables under CONFIG_RETPOLINE, so such tables are
// rare (FuncInfo.IndirectJumps counts them). A .cold part split off by gcc
// is a function of its own; its decisions count there.
//
// Noreturn functions are DefaultNoReturn (objtool's list) plus, derived as
// objtool's dead_end_function does, every function with no ret-like exit
// (ret, return thunk, indirect jump, jump to an unknown address, running
// off its end) whose tail calls (and final call) all go to noreturn
// functions, found transitively; mutual recursion counts as returning.
//
// # Call graph and reach
//
// Edges go from a function to the function containing the target of each
// direct call and each jump out of it. Calls of __fentry__ (patched to NOPs
// at boot) make no edge. Calls through retpoline thunks and `call *…` are
// counted per function (IndirectCalls), not resolved. Reach follows the
// edges from a syscall's __x64_sys_ entry. Functions reached from more than
// HubFraction (default 50%) of all syscalls are hubs: shared infrastructure
// listed apart and left out of Reach and Complexity by default (the *All
// metrics keep them), as the Horizontal Attack Profile does with common code.
package x86
