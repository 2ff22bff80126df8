/* tpl.cc: the only C++ in callreport: wraps ctemplate behind tpl.h. */
#include <ctemplate/template.h>
#include <ctemplate/template_emitter.h>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <cctype>
#include <dirent.h>

#include "base/buf.h"
#include "base/num.h"
#include "render/tpl.h"

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
 * The names the templates can show: every marker name of every file in the
 * template directory, read by tpl_root. Only these ever reach a registry that
 * lives as long as the process (ours below, and ctemplate's global id-to-name
 * map, which keeps every name a dictionary was given): a name made from a
 * request (a filter value, a tag id) that no template mentions is given the
 * one name SINK instead, which no template shows. So the registries are
 * bounded by the template files, whatever the requests ask.
 */
static std::unordered_set<std::string> known;
static const char SINK[] = "_callreport_unshown";

/* Adds the marker names of one template's text to known. */
static void
learn(const std::string &text)
{
	size_t i = 0, j;

	while ((i = text.find("{{", i)) != std::string::npos) {
		i += 2;
		while (i < text.size() && std::strchr("#/>^!%", text[i]) != nullptr)
			i++;
		for (j = i; j < text.size() && (isalnum((unsigned char)text[j]) ||
		    text[j] == '_' || text[j] == '-'); j++)
			;
		if (j > i)
			known.emplace(text, i, j - i);
		i = j;
	}
}

/* Reads a whole file into text; returns false when it cannot be read. */
static bool
slurp(const std::string &path, std::string &text)
{
	FILE *f = fopen(path.c_str(), "r");
	char b[4096];
	size_t n;

	if (f == nullptr)
		return false;
	while ((n = fread(b, 1, sizeof(b), f)) > 0)
		text.append(b, n);
	fclose(f);
	return true;
}

/*
 * A variable or section name with its id, worked out once a process: a name
 * passed as a plain char * is hashed again at every SetValue, and looked up in
 * ctemplate's global id-to-name map under a lock (a tenth of an HTML page's
 * time, measured with perf). A TemplateString built from a registered
 * StaticTemplateString carries its id, and ctemplate skips both. A name no
 * template mentions is SINK's (see known).
 */
static const StaticTemplateString *
id_of(const char *name)
{
	/* Never destroyed either: the map's destructor at exit would drop the
	 * only pointers to the names, which LeakSanitizer then counts as leaks. */
	static auto &ids = *new std::unordered_map<std::string_view, const StaticTemplateString *>;
	std::string_view v(name);
	auto it = ids.find(v);

	if (it == ids.end()) {
		if (std::strcmp(name, SINK) != 0 &&
		    known.find(std::string(v)) == known.end())
			return id_of(SINK);
		/* Names come from the template files only: never freed. */
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

extern "C" void
tpl_set_1(struct tpl_dict *t, const char *key, double value)
{
	char b[NUM_TENTHS];

	D(t)->SetValue(K(key), TemplateString(num_tenths(b, value)));
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
	DIR *d;
	struct dirent *e;

	if (!ctemplate::mutable_default_template_cache()->
	    SetTemplateRootDirectory(dir) || (d = opendir(dir)) == nullptr)
		return -1;
	while ((e = readdir(d)) != nullptr) {
		std::string name(e->d_name), text;
		size_t n = name.size();

		if (n > 4 && name.compare(n - 4, 4, ".tpl") == 0 &&
		    slurp(std::string(dir) + "/" + name, text)) {
			learn(text);
			/*
			 * Parsed now, at the worker's start, not by the first
			 * page that shows it: a new worker's first page took 4
			 * ms of the worker's CPU more than the next (bench.py,
			 * "A new worker, by parts").
			 */
			ctemplate::mutable_default_template_cache()->LoadTemplate(
			    name, ctemplate::STRIP_BLANK_LINES);
		}
	}
	closedir(d);
	return 0;
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
		if (!slurp(path + file, text))
			return true;
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
