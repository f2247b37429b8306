// ops.c: a kernel-like module for kernel/icall's tests. Each group of
// functions exercises one resolution rule; the comment on each dispatching
// function names the targets it must resolve to, derived by hand from this
// source. Built at test time (see icall_test.go):
//
//   gcc -O2 -g -c -fno-pic -mcmodel=kernel -mno-red-zone -fno-stack-protector \
//       -mindirect-branch=thunk-extern -mfunction-return=thunk-extern ops.c
//   gcc -c thunks.S && ld -r ops.o thunks.o -o ops.ko && pahole -J ops.ko

#define noinline __attribute__((noinline, used))

struct inode { int mode; };
struct file;
struct file_ops {
	long (*read)(struct file *, char *, unsigned long);
	long (*write)(struct file *, const char *, unsigned long);
	int (*open)(struct inode *, struct file *);
};
struct file { const struct file_ops *ops; void *priv; long pos; };

noinline long a_read(struct file *f, char *b, unsigned long n) { return f->pos + n; }
noinline long a_write(struct file *f, const char *b, unsigned long n) { return f->pos - n; }
noinline int a_open(struct inode *i, struct file *f) { return i->mode; }
noinline long b_read(struct file *f, char *b, unsigned long n) { return n * 2; }
noinline int b_open(struct inode *i, struct file *f) { return i->mode + 1; }

const struct file_ops a_ops = { .read = a_read, .write = a_write, .open = a_open };
const struct file_ops b_ops = { .read = b_read, .open = b_open };

// member: file_ops.read → a_read, b_read (not the write or open methods)
noinline long vfs_read(struct file *f, char *b, unsigned long n)
{
	if (!f->ops->read)
		return -22;
	return f->ops->read(f, b, n);
}

// param: visit's fn → a_open, the only function its callers pass
noinline int visit(int (*fn)(struct inode *, struct file *), struct inode *i, struct file *f)
{
	return fn(i, f) + 1;
}
noinline int use_visit(struct inode *i, struct file *f) { return visit(a_open, i, f); }

// table: an initialised array of plain function pointers → h0, h1
typedef int (*handler)(int);
noinline int h0(int x) { return x + 1; }
noinline int h1(int x) { return x * 3; }
static const handler table[2] = { h0, h1 };
noinline int dispatch(int op, int x) { return table[op & 1](x); }

// global typed by a store: families[] holds struct proto pointers
// (register_family), so create's p->create → inet_create
struct proto { int (*create)(struct inode *, struct file *, int); long id; };
static const struct proto *families[4];
noinline int inet_create(struct inode *i, struct file *f, int k) { return i->mode + k; }
static const struct proto inet_family = { .create = inet_create, .id = 2 };
noinline int register_family(const struct proto *p, int i) { families[i & 3] = p; return 0; }
noinline int init(void) { return register_family(&inet_family, 2); }
noinline int create(int fam, struct inode *i, struct file *f)
{
	const struct proto *p = families[fam & 3];
	if (!p)
		return -97;
	return p->create(i, f, fam);
}

// multi-layer: a member of an embedded struct. queue.immediate.func was
// only ever set to q_work, so q_push → q_work; run_work calls through a
// plain struct work pointer → q_work, other_work
struct work { void (*func)(struct work *); long data; };
struct queue { int n; struct work immediate; };
noinline void q_work(struct work *w) { w->data++; }
noinline void other_work(struct work *w) { w->data--; }
noinline void q_init(struct queue *q) { q->immediate.func = q_work; }
noinline void other_init(struct work *w) { w->func = other_work; }
noinline void q_push(struct queue *q) { q->n++; q->immediate.func(&q->immediate); }
noinline void run_work(struct work *w) { w->func(w); }

// stack object typed by the callee's parameter, and a copy between
// members: setup fills a struct cfg on its stack with .input = in_fn and
// passes its address to set_rcv, which copies cfg.input into
// sock_like.rcv, so deliver's s->rcv → in_fn
struct cfg { int x; void (*input)(struct work *); };
struct sock_like { long a; void (*rcv)(struct work *); };
noinline void in_fn(struct work *w) { w->data += 2; }
noinline void set_rcv(struct sock_like *s, const struct cfg *c) { s->rcv = c->input; }
noinline void setup(struct sock_like *s)
{
	struct cfg c = { .x = 1, .input = in_fn };
	set_rcv(s, &c);
}
noinline void deliver(struct sock_like *s, struct work *w) { s->rcv(w); }

// a pointer stepping through an array of structs (for_class_range over
// the scheduler classes): c++ keeps c a struct klass pointer, so
// pick_all's c->pick → pick_a, pick_b
struct klass_rq { long nr; };
struct klass { long prio; long (*pick)(struct klass_rq *); };
noinline long pick_a(struct klass_rq *rq) { return rq->nr; }
noinline long pick_b(struct klass_rq *rq) { return rq->nr + 1; }
const struct klass classes[2] = { { 1, pick_a }, { 2, pick_b } };
noinline long pick_all(const struct klass *first, const struct klass *last, struct klass_rq *rq)
{
	long n = 0;
	for (const struct klass *c = first; c != last; c++)
		n += c->pick(rq);
	return n;
}

// a member's function pointer copied into memory of no known type (the
// netfilter hook entries, allocated untyped by kvmalloc): grow copies
// hook_ops.hook into an element of hook_entries.hooks, so hook_a escapes
// and run_hooks's e->hooks[i].hook → hook_a, the only function of that
// prototype
struct hook_ctx { int pf; };
struct hook_ops { int prio; int (*hook)(void *priv, struct hook_ctx *ctx); };
struct hook_entry { int (*hook)(void *priv, struct hook_ctx *ctx); void *priv; };
struct hook_entries { unsigned short n; struct hook_entry hooks[]; };
noinline int hook_a(void *priv, struct hook_ctx *ctx) { return ctx->pf; }
const struct hook_ops a_hook = { 1, hook_a };
static char pool[256];
// noipa: callers must not learn which registers it leaves alone, as
// callers of an allocator in another object file cannot
__attribute__((noipa)) void *alloc_mem(unsigned long n) { return n < sizeof(pool) ? pool : 0; }
noinline struct hook_entries *grow(const struct hook_ops *reg, int n)
{
	struct hook_entries *e = alloc_mem(8 + 16 * (unsigned long)(n + 1));
	if (!e)
		return e;
	e->n = n + 1;
	e->hooks[n].hook = reg->hook;
	e->hooks[n].priv = (void *)reg;
	return e;
}
noinline int run_hooks(struct hook_entries *e, struct hook_ctx *ctx)
{
	int v = 0;
	for (int i = 0; i < e->n; i++)
		v += e->hooks[i].hook(e->hooks[i].priv, ctx);
	return v;
}

// a struct on the stack that a callee fills (nft_expr_init's struct
// nft_expr_info, filled by nf_tables_expr_parse): after ex_parse(&info),
// info.ops is a struct ex_ops pointer, so ex_init's info.ops->init →
// ex_a_init, by the member, not by offset
struct ex_ctx { int n; };
struct ex_ops { int (*init)(struct ex_ctx *); long size; };
struct ex_info { const struct ex_ops *ops; long n; };
noinline int ex_a_init(struct ex_ctx *c) { return c->n; }
const struct ex_ops ex_a_ops = { ex_a_init, 8 };
__attribute__((noipa)) int ex_parse(struct ex_info *info, long k)
{
	info->ops = &ex_a_ops;
	info->n = k;
	return 0;
}
noinline int ex_init(struct ex_ctx *c, long k)
{
	struct ex_info info;
	if (ex_parse(&info, k))
		return -1;
	return info.ops->init(c) + info.n;
}

// a stack struct an indirect call fills (vfs_readlink's struct
// delayed_call, filled by inode->i_op->get_link): the pointer's prototype
// types it, so do_link's d.fn → lnk_free (and ops->get → lnk_get)
struct dcall { void (*fn)(void *); void *arg; };
struct lnk_ops { const char *(*get)(struct ex_ctx *, struct dcall *); long flags; };
noinline void lnk_free(void *p) { ((struct ex_ctx *)p)->n = 0; }
noinline const char *lnk_get(struct ex_ctx *c, struct dcall *d)
{
	d->fn = lnk_free;
	d->arg = c;
	return "x";
}
const struct lnk_ops lnk_a_ops = { lnk_get, 1 };
noinline int do_link(struct ex_ctx *c, const struct lnk_ops *ops)
{
	struct dcall d = { 0, 0 };
	const char *s = ops->get(c, &d);
	if (d.fn)
		d.fn(d.arg);
	return s[0];
}

// a callback parameter stored into memory of no known type
// (rtnl_register_internal: link = kzalloc(…); link->dumpit = dumpit):
// what the callers pass escapes and joins the slots of its prototype, so
// run_dump's cb->dump → dump_a
struct dump_cb { long args; int (*dump)(struct dump_cb *cb, struct ex_ctx *c); };
noinline int dump_a(struct dump_cb *cb, struct ex_ctx *c) { return cb->args + c->n; }
__attribute__((noipa)) void *alloc_link(unsigned long n) { return n < sizeof(pool) ? pool + 128 : 0; }
noinline int reg_dump(int (*dumpit)(struct dump_cb *, struct ex_ctx *))
{
	struct dump_cb *l = alloc_link(sizeof(*l));
	if (!l)
		return -12;
	l->args = 0;
	l->dump = dumpit;
	return 0;
}
noinline int reg_all(void) { return reg_dump(dump_a); }
noinline int run_dump(struct dump_cb *cb, struct ex_ctx *c) { return cb->dump(cb, c); }

// a callback parameter of a typedef stored into memory of no known type
// (rtnl_register_internal: link->doit = doit, an rtnl_doit_func): into the
// one member declared with that typedef, struct td_link's doit, not into
// every member of its prototype, so td_other's call through a look-alike
// member (same prototype, no typedef) reaches td_b alone; and a value read
// at such a member's offset of untyped memory, copied into a struct on the
// stack passed to a callee (rtnetlink_rcv_msg: c.dump = link->dumpit, then
// netlink_dump_start(…, &c)), comes from that member: td_start's
// ctl->dump reaches td_da, beside dump_a, which reg_dump lets escape into
// every member of its prototype
typedef int (*td_doit_t)(struct ex_ctx *c, struct dump_cb *cb);
typedef int (*td_dump_t)(struct dump_cb *cb, struct ex_ctx *c);
struct td_link { td_doit_t doit; td_dump_t dumpit; long flags; };
struct td_lookalike { int (*doit)(struct ex_ctx *c, struct dump_cb *cb); long x, y, z; };
struct td_ctl { long flags; int (*dump)(struct dump_cb *cb, struct ex_ctx *c); };
noinline int td_a(struct ex_ctx *c, struct dump_cb *cb) { return c->n + cb->args; }
noinline int td_b(struct ex_ctx *c, struct dump_cb *cb) { return c->n - cb->args; }
noinline int td_da(struct dump_cb *cb, struct ex_ctx *c) { return c->n * cb->args; }
struct td_lookalike td_look = { .doit = td_b };
noinline int td_reg(td_doit_t doit, td_dump_t dumpit)
{
	struct td_link *l = alloc_link(sizeof(*l));
	if (!l)
		return -12;
	l->flags = 0;
	l->doit = doit;
	l->dumpit = dumpit;
	return 0;
}
noinline int td_reg_all(void) { return td_reg(td_a, td_da); }
noinline int td_run(struct td_link *l, struct ex_ctx *c, struct dump_cb *cb) { return l->doit(c, cb); }
noinline int td_other(struct td_lookalike *l, struct ex_ctx *c, struct dump_cb *cb) { return l->doit(c, cb); }
__attribute__((noipa)) int td_start(struct td_ctl *ctl, struct dump_cb *cb, struct ex_ctx *c) { return ctl->dump(cb, c); }
noinline int td_rcv(void **tab, int i, struct dump_cb *cb, struct ex_ctx *c)
{
	struct td_link *l = tab[i];
	struct td_ctl ctl = { .flags = 0, .dump = l->dumpit };

	if (c->n)
		return cb->dump(cb, c); /* an indirect call of its own, as rtnetlink_rcv_msg has */
	return td_start(&ctl, cb, c);
}

// container_of folded into a load at a negative offset (PROC_I(inode)->
// op.proc_get_link): p_readlink reads p->op.get_link at -8 from the
// embedded struct vnode, so it reaches p_get, the only function stored in
// that member of a struct holding a vnode
struct vnode { long ino; };
union pop { int (*get_link)(struct vnode *, long *); int (*show)(long); };
struct pnode { long pid; union pop op; struct vnode vfs; };
noinline int p_get(struct vnode *v, long *x) { return v->ino + *x; }
noinline void p_init(struct pnode *p) { p->op.get_link = p_get; }
noinline int p_readlink(struct vnode *v, long *x)
{
	struct pnode *p = (struct pnode *)((char *)v - __builtin_offsetof(struct pnode, vfs));
	return p->op.get_link(v, x);
}

// a callback passed on the stack (the 7th argument: kmem_cache_create
// pushes its ctor for kmem_cache_create_usercopy): st_fwd pushes fn for
// st_reg, which stores it into h->fn, so st_run's h->fn → st_a. The
// prototype names no struct, so nothing reaches it by prototype.
struct st_holder { long n; int (*fn)(void *); };
noinline int st_a(void *p) { return *(int *)p; }
__attribute__((noipa)) int st_reg(long a, long b, long c, long d, long e, struct st_holder *h, int (*fn)(void *))
{
	h->fn = fn;
	return (int)(a + b + c + d + e);
}
__attribute__((noipa)) int st_fwd(struct st_holder *h, int (*fn)(void *)) { return st_reg(1, 2, 3, 4, 5, h, fn); }
noinline int st_init(struct st_holder *h) { return st_fwd(h, st_a); }
noinline int st_run(struct st_holder *h, void *p) { return h->fn(p); }

// an allocation typed by its use (create_cache: s = kmem_cache_zalloc(…);
// s->ctor = ctor; __kmem_cache_create(s, …)): vr_alloc returns void *,
// vr_setup takes a struct vr_cache *, so the store is into vr_cache.ctor
// and vr_obj's c->ctor → vr_ctor
struct vr_cache { long size; void (*ctor)(void *); };
noinline void vr_ctor(void *p) { *(long *)p = 0; }
__attribute__((noipa)) void *vr_alloc(unsigned long n) { return n < 64 ? pool + 192 : 0; }
__attribute__((noipa)) int vr_setup(struct vr_cache *c) { return c->size > 0; }
noinline struct vr_cache *vr_create(void (*ctor)(void *))
{
	struct vr_cache *c = vr_alloc(sizeof(*c));
	if (!c)
		return 0;
	c->size = 16;
	c->ctor = ctor;
	vr_setup(c);
	return c;
}
noinline void vr_init(void) { vr_create(vr_ctor); }
noinline void vr_obj(struct vr_cache *c, void *o) { c->ctor(o); }

// a method or a default when it is NULL (alloc_fs_context:
// fc->fs_type->init_fs_context ?: legacy_init_fs_context, a cmov):
// fd_ctx_init's call reaches the fd_type.init members: fd_a_init, and
// fd_legacy, the default when the member is NULL (whose address the code
// takes without storing it anywhere known, so that it also escapes and
// joins the members of its prototype)
struct fd_ctx;
struct fd_type { long flags; int (*init)(struct fd_ctx *); };
struct fd_ctx { long n; struct fd_type *type; };
noinline int fd_a_init(struct fd_ctx *c) { return (int)c->n; }
noinline int fd_legacy(struct fd_ctx *c) { return (int)c->n + 1; }
struct fd_type fd_a = { .init = fd_a_init };
noinline int fd_ctx_init(struct fd_ctx *c)
{
	int (*init)(struct fd_ctx *) = c->type->init;
	if (!init)
		init = fd_legacy;
	return init(c);
}

// an allocation typed by the member it is stored into (ip_ra_control:
// new_ra = kmalloc(…); new_ra->destructor = destructor; *rap = new_ra):
// ra_destruct is stored into ra_chain.destructor, so ra_run reaches it
// and it does not escape into ra_sock.state_change, its prototype's other
// member, which ra_change calls (ra_state only)
struct ra_sock;
struct ra_chain { struct ra_chain *next; void (*destructor)(struct ra_sock *); };
struct ra_sock { long x, y; void (*state_change)(struct ra_sock *); };
struct ra_head { struct ra_chain *chain; };
noinline void ra_destruct(struct ra_sock *s) { s->x = 0; }
noinline void ra_state(struct ra_sock *s) { s->x = 1; }
struct ra_sock ra_s = { .state_change = ra_state };
__attribute__((noipa)) void *ra_alloc(unsigned long n) { return n < 64 ? pool + 224 : 0; }
noinline int ra_control(struct ra_head *h, void (*d)(struct ra_sock *))
{
	struct ra_chain *c = ra_alloc(sizeof(*c));
	if (!c)
		return -1;
	c->next = 0;
	c->destructor = d;
	h->chain = c;
	return 0;
}
noinline int ra_init(struct ra_head *h) { return ra_control(h, ra_destruct); }
noinline void ra_run(struct ra_head *h, struct ra_sock *s) { h->chain->destructor(s); }
noinline void ra_change(struct ra_sock *s) { s->state_change(s); }

// a call through a void pointer member (m_show: p = m->private;
// p->show(m, v)) reaches what code stored through the same member
// (mounts_open_common: m = file->private_data; p = m->private; p->show =
// show, show from its callers): vm_show reaches vm_a and vm_b, and not
// vm_other, the member of the same offset and first parameter that the
// offset rule alone would pick
struct vm_file { long n; void *private; };
struct vm_fl { long f; void *private_data; };
struct vm_mnt { long m; };
struct vm_priv { long ns; long root; int (*show)(struct vm_file *, struct vm_mnt *); };
struct vm_seqops { long start; long stop; int (*show)(struct vm_file *, void *); };
noinline int vm_a(struct vm_file *f, struct vm_mnt *m) { return (int)(f->n + m->m); }
noinline int vm_b(struct vm_file *f, struct vm_mnt *m) { return (int)(f->n - m->m); }
noinline int vm_other(struct vm_file *f, void *v) { return (int)f->n + (v != 0); }
struct vm_seqops vm_ops = { .show = vm_other };
noinline void vm_open(struct vm_fl *fl, int (*show)(struct vm_file *, struct vm_mnt *))
{
	struct vm_file *m = fl->private_data;
	struct vm_priv *p = m->private;
	p->show = show;
}
noinline void vm_open_a(struct vm_fl *fl) { vm_open(fl, vm_a); }
noinline void vm_open_b(struct vm_fl *fl) { vm_open(fl, vm_b); }
noinline int vm_show(struct vm_file *m, void *v)
{
	struct vm_priv *p = m->private;
	return p->show(m, v);
}

// a refcount taken with lock cmpxchg keeps the other arguments
// (proc_get_link: use_pde's atomic_inc_unless_negative, then
// set_delayed_call(done, proc_put_link, pde)): dc_run reaches dc_put
struct dc_call { void (*fn)(void *); void *arg; };
noinline void dc_put(void *p) { *(long *)p = 0; }
noinline long dc_get(long *ref, long x, struct dc_call *done)
{
	long old = __atomic_load_n(ref, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(ref, &old, old + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
	done->fn = dc_put;
	done->arg = ref;
	return x;
}
noinline void dc_run(struct dc_call *d) { d->fn(d->arg); }

// x->a->b->f(x, …) with x read from an untyped object and a NULL test
// between the loads (sysfs_kf_seq_show: kobj = of->kn->parent->priv;
// ops = kobj->ktype ? kobj->ktype->sysfs_ops : NULL; ops->show(kobj, …)):
// sk_show reaches sk_dev_show, and not lk_show, the member at the same
// offsets of structs that lk_obj points to, whose first parameter is not
// a struct lk_obj
struct sk_obj;
struct lk_arg { long z; };
struct sk_ops { long (*show)(struct sk_obj *, char *); };
struct sk_type { long x; const struct sk_ops *ops; };
struct sk_obj { long a, b; struct sk_type *type; };
struct lk_ops { long (*show)(struct lk_arg *, char *); };
struct lk_type { long x; const struct lk_ops *ops; };
struct lk_obj { long a, b; struct lk_type *type; };
struct sk_node { long n; void *priv; };
struct sk_file { long n; void *private; };
noinline long sk_dev_show(struct sk_obj *o, char *buf) { return o->a + buf[0]; }
noinline long lk_show(struct lk_arg *o, char *buf) { return o->z + buf[1]; }
const struct sk_ops sk_dev_ops = { .show = sk_dev_show };
const struct lk_ops lk_ops1 = { .show = lk_show };
struct sk_type sk_t = { .ops = &sk_dev_ops };
struct lk_type lk_t = { .ops = &lk_ops1 };
noinline long sk_show(struct sk_file *f, char *buf)
{
	struct sk_node *kn = f->private;
	struct sk_obj *o = kn->priv;
	const struct sk_ops *ops = o->type ? o->type->ops : 0;
	if (!ops->show)
		return -5;
	return ops->show(o, buf);
}

// a downcast whose arguments the pass knows only by the structs they were
// cast from (dev_attr_show: dev_attr->show(kobj_to_dev(kobj),
// to_dev_attr(attr), buf), both container_of at offset 0): ca_show
// reaches ca_id_show (struct ca_dev begins with struct ca_kobj) and
// ca_k_show, not ca_cls_show (struct ca_cls does not)
struct ca_kobj { long r; };
struct ca_cls { long c; };
struct ca_attr { const char *name; long mode; };
struct ca_dev { struct ca_kobj kobj; long id; };
struct ca_dev_attr { struct ca_attr attr; long (*show)(struct ca_dev *, struct ca_dev_attr *, char *); };
struct ca_k_attr { struct ca_attr attr; long (*show)(struct ca_kobj *, struct ca_k_attr *, char *); };
struct ca_cls_attr { struct ca_attr attr; long (*show)(struct ca_cls *, struct ca_cls_attr *, char *); };
noinline long ca_id_show(struct ca_dev *d, struct ca_dev_attr *a, char *b) { return d->id + a->attr.mode + b[0]; }
noinline long ca_k_show(struct ca_kobj *k, struct ca_k_attr *a, char *b) { return k->r + a->attr.mode + b[0]; }
noinline long ca_cls_show(struct ca_cls *c, struct ca_cls_attr *a, char *b) { return c->c + a->attr.mode + b[0]; }
struct ca_dev_attr ca_id = { .show = ca_id_show };
struct ca_k_attr ca_k = { .show = ca_k_show };
struct ca_cls_attr ca_c = { .show = ca_cls_show };
noinline long ca_show(struct ca_kobj *k, struct ca_attr *attr, char *buf)
{
	struct ca_dev_attr *da = (struct ca_dev_attr *)attr;
	return da->show((struct ca_dev *)k, da, buf);
}

// an argument known only as container_of a struct at an offset
// (queue_attr_show: q = container_of(kobj, struct request_queue, kobj);
// entry->show(q, page)) agrees with a parameter of a struct that embeds
// it there: qa_attr_show reaches qa_size_show, not qa_other_show (struct
// qa_other holds its qa_kobj at another offset)
struct qa_kobj { long r; };
struct qa_attr { const char *name; long mode; };
struct qa_queue { long a, b; struct qa_kobj kobj; long c; };
struct qa_other { long x; struct qa_kobj kobj; };
struct qa_entry { struct qa_attr attr; long (*show)(struct qa_queue *, char *); };
struct qa_oentry { struct qa_attr attr; long (*show)(struct qa_other *, char *); };
noinline long qa_size_show(struct qa_queue *q, char *p) { return q->c + p[0]; }
noinline long qa_other_show(struct qa_other *o, char *p) { return o->x + p[1]; }
struct qa_entry qa_size = { .show = qa_size_show };
struct qa_oentry qa_o = { .show = qa_other_show };
noinline long qa_attr_show(struct qa_kobj *kobj, struct qa_attr *attr, char *page)
{
	struct qa_entry *entry = (struct qa_entry *)attr;
	struct qa_queue *q = (struct qa_queue *)((char *)kobj - 16);
	if (!entry->show)
		return -5;
	return entry->show(q, page);
}

// a callback parameter of a gcc clone, which has no BTF prototype
// (__ip6_append_data.isra.0's getfrag, from ip6_append_data and its
// callers): the clone of cl_append reaches cl_frag_a and cl_frag_b
// (noinline without used, so that gcc may clone it: cl_append.constprop.0,
// its unused last parameter dropped)
struct cl_sk { long n; char buf[32]; };
static __attribute__((__noinline__)) int cl_append(struct cl_sk *sk, int (*getfrag)(void *, char *, int), void *from, int len, int unused)
{
	return getfrag(from, sk->buf, len) + (int)sk->n;
}
noinline int cl_frag_a(void *from, char *to, int len) { return to[0] + len + (from != 0); }
noinline int cl_frag_b(void *from, char *to, int len) { return to[1] - len + (from != 0); }
noinline int cl_append_data(struct cl_sk *sk, int (*getfrag)(void *, char *, int), void *from, int len)
{
	return cl_append(sk, getfrag, from, len, 7);
}
noinline int cl_send_a(struct cl_sk *sk, void *from) { return cl_append_data(sk, cl_frag_a, from, 8); }
noinline int cl_send_b(struct cl_sk *sk, void *from) { return cl_append(sk, cl_frag_b, from, 4, 9); }

// x->m ?: x with x read from a void pointer member, then x->a->b->f(x, …)
// (kernfs_iop_mkdir: kn = dir->i_private; kernfs_root(kn), that is
// (kn->parent ?: kn)->dir.root; root->syscall_ops->mkdir(kn, …)):
// kr_iop_mkdir reaches kr_cg_mkdir, and not ko_mkdir, the member at the
// same offsets of the ops a ko_root points to (x->a->f reaches it), whose
// first parameter, a struct ko_node, holds its root at another offset
struct kr_node;
struct ko_node;
struct kr_scops { long (*show)(struct kr_node *); long (*mkdir)(struct kr_node *, const char *); };
struct kr_root { long a, b; const struct kr_scops *scops; };
struct kr_node { long x; struct kr_node *parent; struct kr_root *root; };
struct ko_scops { long (*show)(struct ko_node *); long (*mkdir)(struct ko_node *, const char *); };
struct ko_root { long a, b; const struct ko_scops *scops; };
struct ko_node { long x; struct ko_node *parent; long pad; struct ko_root *root; };
struct kr_inode { long i; void *i_private; };
noinline long kr_cg_mkdir(struct kr_node *kn, const char *n) { return kn->x + n[0]; }
noinline long ko_mkdir(struct ko_node *kn, const char *n) { return kn->x - n[0]; }
const struct kr_scops kr_cg_scops = { .mkdir = kr_cg_mkdir };
const struct ko_scops ko_scops1 = { .mkdir = ko_mkdir };
struct kr_root kr_r = { .scops = &kr_cg_scops };
struct ko_root ko_r = { .scops = &ko_scops1 };
noinline long kr_iop_mkdir(struct kr_inode *dir, const char *name)
{
	struct kr_node *kn = dir->i_private;
	struct kr_node *top = kn->parent ? kn->parent : kn;
	const struct kr_scops *s = top->root->scops;
	if (!s || !s->mkdir)
		return -1;
	return s->mkdir(kn, name);
}

// a pointer stepping through a global array of struct pointers, from its
// address as a constant (for_each_subsys in cgroup_apply_control_enable:
// ss = cgroup_subsys[i]; ss->css_alloc(…)): gs_apply reaches gs_a1, gs_a2
// and gs_a3
struct gs_sub { long (*alloc)(long); long id; };
noinline long gs_a1(long x) { return x + 1; }
noinline long gs_a2(long x) { return x + 2; }
noinline long gs_a3(long x) { return x + 3; }
struct gs_sub gs_s1 = { .alloc = gs_a1 }, gs_s2 = { .alloc = gs_a2 }, gs_s3 = { .alloc = gs_a3 };
struct gs_sub *const gs_subs[] = { &gs_s1, &gs_s2, &gs_s3, &gs_s1, &gs_s2, &gs_s3, &gs_s1, &gs_s2 };
noinline long gs_apply(long x, unsigned long mask)
{
	long r = 0;
	for (struct gs_sub *const *p = gs_subs; p != gs_subs + 8; p++) {
		if (mask & (1UL << (p - gs_subs)))
			r += (*p)->alloc(x);
	}
	return r;
}

// x->f(…, x, …) with x read from a void pointer member (sysfs_kf_bin_read:
// battr = of->kn->priv; battr->read(of->file, kobj, battr, …)): hb_read
// reaches hb_a_read, and not ho_read, the member at the same offset of a
// struct whose read takes another struct where hb_attr.read takes its own
// (the first argument, a struct hb_file few members take, agrees with both)
struct hb_file { long f; };
struct ho_x { long y; };
struct hb_attr { long mode; long (*read)(struct hb_file *, struct hb_attr *, char *); };
struct ho_attr { long mode; long (*read)(struct hb_file *, struct ho_x *, char *); };
struct hb_node { long n; void *priv; };
struct hb_of { struct hb_file *file; struct hb_node *kn; };
noinline long hb_a_read(struct hb_file *f, struct hb_attr *a, char *b) { return f->f + a->mode + b[0]; }
noinline long ho_read(struct hb_file *f, struct ho_x *x, char *b) { return f->f - x->y + b[1]; }
struct hb_attr hb_a = { .read = hb_a_read };
struct ho_attr ho_a = { .read = ho_read };
noinline long hb_read(struct hb_of *of, char *buf)
{
	struct hb_attr *a = of->kn->priv;
	if (!a->read)
		return -5;
	return a->read(of->file, a, buf);
}

// a call through a struct that a void pointer member points to, typed by
// what code stores there: a void pointer parameter passed on the stack
// (__kernfs_create_file(…, ops, priv, ns, key): kn->priv = priv) and the
// struct a caller passes in it (cgroup_add_file: a struct cftype *), so
// that of->kn->priv->show(…) (cgroup_seqfile_show: cft->seq_show) reaches
// vt_cft_show; vt_decoy holds a typed pointer at the same offset to a
// struct whose member at show's offset the offsets alone match (and
// stays: the two offsets and the first argument agree with it)
struct vt_seq { long s; };
struct vt_cft { char name[16]; long (*show)(struct vt_seq *, void *); };
struct vt_dft { char name[16]; long (*show)(struct vt_seq *, long); };
struct vt_node { long n; void *priv; };
struct vt_decoy { long n; struct vt_dft *d; };
struct vt_of { struct vt_node *kn; };
noinline long vt_cft_show(struct vt_seq *s, void *v) { return s->s + (v != 0); }
noinline long vt_dft_show(struct vt_seq *s, long v) { return s->s - v; }
struct vt_dft vt_d = { .show = vt_dft_show };
struct vt_decoy vt_dc = { .d = &vt_d };
struct vt_node vt_nodes[4];
__attribute__((noipa)) struct vt_node *vt_new(long a) { return &vt_nodes[a & 3]; }
__attribute__((noipa)) struct vt_node *vt_create(long a, long b, long c, long d, long e, long f, void *ops, void *priv)
{
	struct vt_node *kn = vt_new(a);
	kn->n = b + c + d + e + f + (ops != 0);
	kn->priv = priv;
	return kn;
}
noinline struct vt_node *vt_add(struct vt_cft *cft) { return vt_create(1, 2, 3, 4, 5, 6, 0, cft); }
noinline long vt_show(struct vt_seq *s, void *v)
{
	struct vt_of *of = (struct vt_of *)s->s;
	struct vt_cft *cft = of->kn->priv;
	return cft->show(s, v);
}
struct vt_cft vt_c = { .show = vt_cft_show };
noinline long vt_init(void) { return vt_add(&vt_c)->n; }

// an element of an array of function pointers a member points to
// (asn1_ber_decoder: decoder->actions[machine[pc + 1]](context, …)): the
// address-taken functions of the element's prototype, fa_a and fa_b
typedef int (*fa_action_t)(void *ctx, unsigned long n, unsigned char tag);
struct fa_decoder { const unsigned char *machine; unsigned long len; const fa_action_t *actions; };
noinline int fa_a(void *c, unsigned long n, unsigned char t) { return (c != 0) + (int)n + t; }
noinline int fa_b(void *c, unsigned long n, unsigned char t) { return (c != 0) - (int)n - t; }
static const fa_action_t fa_table[] = { fa_a, fa_b };
static const unsigned char fa_machine[] = { 0, 1, 1, 0 };
const struct fa_decoder fa_dec = { .machine = fa_machine, .len = 4, .actions = fa_table };
noinline int fa_run(const struct fa_decoder *d, void *ctx, int i)
{
	return d->actions[d->machine[i]](ctx, (unsigned long)i, 3);
}

// container_of of a struct read through a chain of loads from an untyped
// object, which the call gets first (crypto_akcipher_verify:
// crypto_akcipher_alg(req->base.tfm)->verify(req), the akcipher_alg that
// embeds tfm->__crt_alg): bc_run reaches bc_verify
struct bc_alg { long flags; };
struct bc_tfm { long refs; struct bc_alg *alg; };
struct bc_req { long a; struct bc_tfm *tfm; };
struct bc_kalg { long (*verify)(struct bc_req *); long (*sign)(struct bc_req *); struct bc_alg base; };
noinline long bc_verify(struct bc_req *r) { return r->a; }
noinline long bc_sign(struct bc_req *r) { return -r->a; }
struct bc_kalg bc_k = { .verify = bc_verify, .sign = bc_sign };
noinline long bc_run(void *p)
{
	struct bc_req *req = p;
	struct bc_kalg *k = (struct bc_kalg *)((char *)req->tfm->alg - __builtin_offsetof(struct bc_kalg, base));
	return k->verify(req);
}

// x->a->f(x, …) with x read from an untyped object (tty_ioctl:
// tty = file_tty(file), ((struct tty_file_private *)file->private_data)->tty;
// tty->ops->ioctl(tty, …)): ty_ioctl reaches ty_a_ioctl, a member whose
// first parameter is the struct holding the ops pointer, and not to_ioctl,
// the member at the same offsets of an ops that a struct of another kind
// holds, whose first parameter is not that struct
struct ty_struct;
struct to_struct;
struct ty_ops { long (*ioctl)(struct ty_struct *, unsigned int); };
struct ty_file;
struct to_ops { long (*ioctl)(struct ty_file *, unsigned int); };
struct ty_struct { long magic; const struct ty_ops *ops; };
struct to_struct { long magic; const struct to_ops *ops; };
struct ty_fpriv { struct ty_struct *tty; };
struct ty_file { long f; void *private_data; };
noinline long ty_a_ioctl(struct ty_struct *t, unsigned int c) { return t->magic + c; }
noinline long to_ioctl(struct ty_file *t, unsigned int c) { return (t != 0) - c; }
const struct ty_ops ty_a_ops = { .ioctl = ty_a_ioctl };
const struct to_ops to_ops1 = { .ioctl = to_ioctl };
struct to_struct to_s = { .ops = &to_ops1 };
noinline long ty_ioctl(struct ty_file *file, unsigned int cmd)
{
	struct ty_struct *tty = ((struct ty_fpriv *)file->private_data)->tty;
	return tty->ops->ioctl(tty, cmd);
}

// a pointer published with cmpxchg into a global array types its elements
// (inet_add_protocol: cmpxchg(&inet_protos[protocol], NULL, prot);
// icmp_socket_deliver: inet_protos[protocol]->err_handler(skb, info)):
// cx_err reaches cx_e
struct cx_proto { long (*handler)(long, long); long (*err)(long, int); };
noinline long cx_h(long x, long y) { return x + y; }
noinline long cx_e(long x, int i) { return x - i; }
const struct cx_proto cx_p = { .handler = cx_h, .err = cx_e };
const struct cx_proto *cx_protos[8];
noinline int cx_add(const struct cx_proto *p, int n)
{
	return __sync_bool_compare_and_swap(&cx_protos[n & 7], (const struct cx_proto *)0, p) ? 0 : -1;
}
noinline long cx_err(int n, long x)
{
	const struct cx_proto *p = cx_protos[n & 7];
	return p ? p->err(x, n) : 0;
}

// a call through an untyped pointer that more members at its offset could
// take than the offset rule resolves: those that agree with the most typed
// arguments, three here (rtnetlink_rcv_msg: link->doit(skb, nlh, extack),
// rtnl_link.doit, not the handlers that take an skb alone): mm_call
// reaches mm_three, not mm_f1 … mm_f7
struct mm_a { long a; };
struct mm_b { long b; };
struct mm_c { long c; };
#define MM1(n) \
	struct mm_s##n { long (*f)(struct mm_a *); long k; }; \
	noinline long mm_f##n(struct mm_a *a) { return a->a + n; } \
	const struct mm_s##n mm_v##n = { .f = mm_f##n };
MM1(1) MM1(2) MM1(3) MM1(4) MM1(5) MM1(6) MM1(7)
struct mm_t { long (*f)(struct mm_a *, struct mm_b *, struct mm_c *); long k; };
noinline long mm_three(struct mm_a *a, struct mm_b *b, struct mm_c *c) { return a->a + b->b + c->c; }
const struct mm_t mm_vt = { .f = mm_three };
noinline long mm_call(void *p, struct mm_a *a, struct mm_b *b, struct mm_c *c)
{
	struct mm_t *t = p;
	return t->f(a, b, c);
}

// a call through a pointer read from an array of pointers that itself is
// read from a global array (rtnetlink_rcv_msg: tab = rtnl_msg_handlers[
// family]; link = tab[type]; link->doit(skb, nlh, extack)): no struct
// points to one with such a member, so the members at that offset that
// two or more typed arguments agree with: rl_rcv reaches rl_doit
struct rl_link { long flags; long (*doit)(struct mm_a *, struct mm_b *, struct mm_c *); };
noinline long rl_doit(struct mm_a *a, struct mm_b *b, struct mm_c *c) { return a->a - b->b - c->c; }
struct rl_link rl_l = { .doit = rl_doit };
struct rl_link *rl_tab0[4] = { &rl_l };
struct rl_link **rl_handlers[4] = { rl_tab0 };
noinline long rl_rcv(int fam, int type, struct mm_a *a, struct mm_b *b, struct mm_c *c)
{
	struct rl_link **tab = rl_handlers[fam & 3];
	struct rl_link *link = tab[type & 3];
	return link->doit(a, b, c);
}

// a list walk from a head that list_add_tail linked entries into
// (fib_rules_register: list_add_tail_rcu(&ops->list, &net->rules_ops);
// fib_nl_delrule: list_for_each_entry(ops, &net->rules_ops, list), then
// ops->compare(…)): the head holds struct lt_ops at their list, so
// lt_find reaches lt_cmp_a only, not lt_cmp_o, whose struct has its
// list_head at the same offset and a method of the same prototype there
struct list_head { struct list_head *next, *prev; };
struct lt_rule { long v; };
struct lt_ops { long family; struct list_head list; long (*cmp)(struct lt_rule *); };
// (lt_other is larger, so that its object's layout types it alone)
struct lt_other { long x; struct list_head node; long (*cmp)(struct lt_rule *); long y[2]; };
noinline long lt_cmp_a(struct lt_rule *r) { return r->v; }
noinline long lt_cmp_o(struct lt_rule *r) { return -r->v; }
struct lt_ops lt_a = { .family = 2, .cmp = lt_cmp_a };
struct lt_other lt_o = { .x = 1, .cmp = lt_cmp_o };
struct lt_net { long id; struct list_head ops; struct list_head others; };
static inline void lt_add_tail(struct list_head *new, struct list_head *head)
{
	struct list_head *prev = head->prev;
	head->prev = new;
	new->next = head;
	new->prev = prev;
	prev->next = new;
}
noinline void lt_register(struct lt_net *net, struct lt_ops *ops) { lt_add_tail(&ops->list, &net->ops); }
noinline void lt_register_other(struct lt_net *net, struct lt_other *o) { lt_add_tail(&o->node, &net->others); }
noinline long lt_find(struct lt_net *net, long fam, struct lt_rule *r)
{
	struct list_head *p;
	for (p = net->ops.next; p != &net->ops; p = p->next) {
		struct lt_ops *ops = (struct lt_ops *)((char *)p - __builtin_offsetof(struct lt_ops, list));
		if (ops->family == fam)
			return ops->cmp(r);
	}
	return 0;
}
noinline long lt_find_other(struct lt_net *net, struct lt_rule *r)
{
	struct list_head *p = net->others.next;
	struct lt_other *o = (struct lt_other *)((char *)p - __builtin_offsetof(struct lt_other, node));
	return o->cmp(r);
}

// an allocation returned as the function's struct pointer (fib_rules_register:
// ops = kmemdup(tmpl, …); … return ops) is one: the method stored into it
// is the member's, so rt_run reaches rt_f, not rt_g, an escaped function
// of the same prototype that an empty member would reach
struct rt_ops { long k; long (*f)(long); };
noinline long rt_f(long x) { return x + 3; }
noinline long rt_g(long x) { return x - 3; }
noinline void rt_keep(void **p) { *p = (void *)rt_g; }
noinline struct rt_ops *rt_new(void)
{
	struct rt_ops *o = vr_alloc(sizeof(*o));
	if (o)
		o->f = rt_f;
	return o;
}
noinline long rt_run(struct rt_ops *o, long x) { return o->f(x); }

// a global that init code sets to a typed object's address with a store
// of an immediate (pci_direct_init: raw_pci_ops = &pci_direct_conf1;
// raw_pci_read: raw_pci_ops->read(…)): pr_read reaches pr_a_read
struct pr_ops { long (*read)(long, long); long (*write)(long, long); };
noinline long pr_a_read(long a, long b) { return a + b; }
noinline long pr_a_write(long a, long b) { return a - b; }
const struct pr_ops pr_a = { .read = pr_a_read, .write = pr_a_write };
const struct pr_ops *pr_cur;
noinline void pr_init(void) { pr_cur = &pr_a; }
noinline long pr_read(long a, long b) { return pr_cur->read(a, b); }

// the same through kernfs_dentry_node's test (kernfs_iop_rmdir: kn =
// d_inode(dentry) ? d_inode(dentry)->i_private : NULL; the NULL is the
// tested inode pointer itself): kr_iop_show reaches kr_cg_show. The join
// of the two paths takes its in-state from both (a worklist visits it
// first from the test's branch alone and must recompute it; the function
// has no loop, so the pass visits it once, after both)
noinline long kr_cg_show(struct kr_node *kn) { return kn->x; }
const struct kr_scops kr_cg_scops2 = { .show = kr_cg_show };
struct kr_root kr_r2 = { .scops = &kr_cg_scops2 };
struct kr_dentry { long d; struct kr_inode *d_inode; };
// (built as the kernel is, with -fno-delete-null-pointer-checks, so that
// the NULL path stays)
__attribute__((__noinline__, used, optimize("no-delete-null-pointer-checks")))
long kr_iop_show(struct kr_dentry *dentry)
{
	struct kr_inode *in = dentry->d_inode;
	struct kr_node *kn = in ? in->i_private : 0;
	struct kr_node *top = kn->parent ? kn->parent : kn;
	const struct kr_scops *s = top->root->scops;
	if (!s || !s->show)
		return -1;
	return s->show(kn);
}
