/* tpl.cc: the only C++ in callreport: wraps ctemplate behind tpl.h. */
#include <ctemplate/template.h>
#include <ctemplate/template_emitter.h>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tpl.h"

using ctemplate::StaticTemplateString;
using ctemplate::TemplateDictionary;
using ctemplate::TemplateString;

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

/*
 * A variable or section name with its id, worked out once a process: a name
 * passed as a plain char * is hashed again at every SetValue, and looked up in
 * ctemplate's global id-to-name map under a lock (a tenth of an HTML page's
 * time, measured with perf). A TemplateString built from a registered
 * StaticTemplateString carries its id, and ctemplate skips both.
 */
static const StaticTemplateString *
id_of(const char *name)
{
	static std::unordered_map<std::string_view, const StaticTemplateString *> ids;
	std::string_view v(name);
	auto it = ids.find(v);

	if (it == ids.end()) {
		/* Names are few and kept for the process: never freed. */
		char *copy = strdup(name);
		StaticTemplateString *s = new StaticTemplateString{ { copy, v.size(), 0 } };

		ctemplate::StaticTemplateStringInitializer set_id(s);
		it = ids.emplace(std::string_view(copy, v.size()), s).first;
	}
	return it->second;
}

static TemplateString
K(const char *name)
{
	return TemplateString(*id_of(name));
}

/* A struct tpl_key * is the StaticTemplateString of its name. */
static TemplateString
K(const struct tpl_key *k)
{
	return TemplateString(*reinterpret_cast<const StaticTemplateString *>(k));
}

extern "C" const struct tpl_key *
tpl_key(const char *name)
{
	return reinterpret_cast<const struct tpl_key *>(id_of(name));
}

extern "C" void
tpl_set_key(struct tpl_dict *t, const struct tpl_key *k, const char *value)
{
	D(t)->SetValue(K(k), value ? value : "");
}

extern "C" struct tpl_dict *
tpl_section_key(struct tpl_dict *t, const struct tpl_key *k)
{
	return T(D(t)->AddSectionDictionary(K(k)));
}

extern "C" void
tpl_show_key(struct tpl_dict *t, const struct tpl_key *k)
{
	D(t)->ShowSection(K(k));
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
	D(t)->SetValue(K(key), value ? value : "");
}

extern "C" void
tpl_setn(struct tpl_dict *t, const char *key, const char *value, size_t n)
{
	D(t)->SetValue(K(key), TemplateString(value, n));
}

extern "C" void
tpl_set_int(struct tpl_dict *t, const char *key, long value)
{
	D(t)->SetIntValue(K(key), value);
}

extern "C" struct tpl_dict *
tpl_section(struct tpl_dict *t, const char *name)
{
	return T(D(t)->AddSectionDictionary(K(name)));
}

extern "C" void
tpl_show(struct tpl_dict *t, const char *name)
{
	D(t)->ShowSection(K(name));
}

extern "C" struct tpl_dict *
tpl_include(struct tpl_dict *t, const char *name, const char *file)
{
	TemplateDictionary *c = D(t)->AddIncludeDictionary(K(name));

	c->SetFilename(file);
	return T(c);
}

extern "C" int
tpl_root(const char *dir)
{
	return ctemplate::mutable_default_template_cache()->
	    SetTemplateRootDirectory(dir) ? 0 : -1;
}

extern "C" bool
tpl_mentions(const char *file, const char *name)
{
	static std::unordered_map<std::string, std::string> texts;
	auto it = texts.find(file);

	if (it == texts.end()) {
		std::string path = ctemplate::mutable_default_template_cache()->
		    template_root_directory(), text;
		if (!path.empty() && path.back() != '/')
			path += '/';
		path += file;
		FILE *f = fopen(path.c_str(), "r");
		char b[4096];
		size_t n;

		if (f == nullptr)
			return true;
		while ((n = fread(b, 1, sizeof(b), f)) > 0)
			text.append(b, n);
		fclose(f);
		it = texts.emplace(file, std::move(text)).first;
	}
	const std::string &t = it->second;
	std::string n(name);

	return t.find("{{" + n + "}}") != std::string::npos ||
	    t.find("{{" + n + ":") != std::string::npos ||
	    t.find("{{#" + n + "}}") != std::string::npos;
}

extern "C" int
tpl_render(const char *file, const struct tpl_dict *t, struct buf *out)
{
	BufEmitter e(out);

	return ctemplate::mutable_default_template_cache()->ExpandWithData(
	    file, ctemplate::STRIP_BLANK_LINES,
	    reinterpret_cast<const TemplateDictionary *>(t), nullptr, &e) ? 0 : -1;
}
