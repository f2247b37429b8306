/* thunks.S: the retpoline and return thunks a kernel built with
 * -mindirect-branch=thunk-extern calls; here plain jumps, so that the
 * test module has the kernel's call shapes. */
	.text
.macro THUNK reg
	.globl __x86_indirect_thunk_\reg
	.type __x86_indirect_thunk_\reg, @function
__x86_indirect_thunk_\reg:
	jmp *%\reg
	.size __x86_indirect_thunk_\reg, .-__x86_indirect_thunk_\reg
.endm
	THUNK rax
	THUNK rbx
	THUNK rcx
	THUNK rdx
	THUNK rsi
	THUNK rdi
	THUNK rbp
	THUNK r8
	THUNK r9
	THUNK r10
	THUNK r11
	THUNK r12
	THUNK r13
	THUNK r14
	THUNK r15
	.globl __x86_return_thunk
	.type __x86_return_thunk, @function
__x86_return_thunk:
	ret
	.size __x86_return_thunk, .-__x86_return_thunk
	.section .note.GNU-stack,"",@progbits
