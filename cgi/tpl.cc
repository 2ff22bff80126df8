/* tpl.cc: the only C++ in callreport: wraps ctemplate behind tpl.h. */
#include <ctemplate/template.h>
#include <ctemplate/template_emitter.h>
#include <string>

#include "tpl.h"

using ctemplate::TemplateDictionary;

/* A struct tpl_dict * is a TemplateDictionary *; children belong to their parent. */
static TemplateDictionary *
D(struct tpl_dict *t)
{
	return reinterpret_cast<TemplateDictionary *>(t);
}

static struct tpl_dict *
T(TemplateDictionary *d)
{
	return reinterpret_cast<struct tpl_dict *>(d);
}

/* Emits straight into a struct buf, with no std::string in between. */
class BufEmitter : public ctemplate::ExpandEmitter {
	struct buf *b_;
public:
	explicit BufEmitter(struct buf *b) : b_(b) {}
	void Emit(char c) override { buf_putc(b_, c); }
	void Emit(const std::string &s) override { buf_put(b_, s.data(), s.size()); }
	void Emit(const char *s) override { buf_puts(b_, s); }
	void Emit(const char *s, size_t n) override { buf_put(b_, s, n); }
};

extern "C" struct tpl_dict *
tpl_dict_new(void)
{
	return T(new TemplateDictionary("page"));
}

extern "C" void
tpl_dict_free(struct tpl_dict *t)
{
	delete D(t);
}

extern "C" void
tpl_set(struct tpl_dict *t, const char *key, const char *value)
{
	D(t)->SetValue(key, value ? value : "");
}

extern "C" void
tpl_setn(struct tpl_dict *t, const char *key, const char *value, size_t n)
{
	D(t)->SetValue(key, ctemplate::TemplateString(value, n));
}

extern "C" void
tpl_set_int(struct tpl_dict *t, const char *key, long value)
{
	D(t)->SetIntValue(key, value);
}

extern "C" struct tpl_dict *
tpl_section(struct tpl_dict *t, const char *name)
{
	return T(D(t)->AddSectionDictionary(name));
}

extern "C" void
tpl_show(struct tpl_dict *t, const char *name)
{
	D(t)->ShowSection(name);
}

extern "C" struct tpl_dict *
tpl_include(struct tpl_dict *t, const char *name, const char *file)
{
	TemplateDictionary *c = D(t)->AddIncludeDictionary(name);

	c->SetFilename(file);
	return T(c);
}

extern "C" int
tpl_root(const char *dir)
{
	return ctemplate::mutable_default_template_cache()->
	    SetTemplateRootDirectory(dir) ? 0 : -1;
}

extern "C" int
tpl_render(const char *file, const struct tpl_dict *t, struct buf *out)
{
	BufEmitter e(out);

	return ctemplate::mutable_default_template_cache()->ExpandWithData(
	    file, ctemplate::STRIP_BLANK_LINES,
	    reinterpret_cast<const TemplateDictionary *>(t), nullptr, &e) ? 0 : -1;
}
