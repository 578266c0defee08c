// What a title's neighbourhood and pretrained word vectors add to the title classifier.
//
// Cross-validates a recipe (the shipped one by default) on exactly the folds of
// `civicgrid text cross-validate` (stratified, Rng(seed)), supplements of held-out titles left out,
// and adds to each held-out title's model scores, for a grid of weights:
//   β  a k-nearest-neighbour vote of the training titles (cosine of character n-gram TF-IDF);
//   α  the model's scores of the unlabelled messages (title + body) whose titles are nearest — the
//      bodies carry the words a title lacks; a message whose title is the held-out title itself is
//      never used;
//   γ  a softmax regression on the mean of pretrained word vectors of the title (word2vec binary
//      format, greedy longest match), trained on the training titles of the fold.
// Two ways of putting the vectors into the model's own features are also measured: appending each
// title word's nearest training words to the title (--expand) and appending one private-use
// character per word cluster (--clusters). Prints macro-F1 per seed and the mean, best first.
//
// bench/text_neighbors.sh runs it as bench/RESULTS.md reports it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "text/evaluation.h"
#include "text/rng.h"
#include "text/text.h"

using namespace civicgrid::text;

namespace {

struct Options {
  std::string titles, extra, vectors, recipe{default_recipe()};
  std::vector<std::string> unlabelled;
  std::vector<int> seeds{1, 2, 3};
  int gram_min = 1, gram_max = 2;  // neighbour similarity: character n-grams
  double vote_power = 1;           // a neighbour's vote is cosine^power
  int softmax_epochs = 3000;
  double softmax_rate = 10, softmax_l2 = 0;
  int expand = 0;  // nearest words appended per title word (0 = none)
  double min_cosine = 0.6;
  int clusters = 0;  // word clusters appended as characters (0 = none)
  bool errors = false;
};

using SparseVec = std::vector<std::pair<int, float>>;

// Character n-gram TF-IDF (1 + log tf, smoothed idf), L2-normalised.
struct Vectorizer {
  int lo = 1, hi = 2;
  std::unordered_map<std::string, int> vocab;
  std::vector<double> df;
  int docs = 0;

  void fit(const std::string& text) {
    std::unordered_set<std::string> seen;
    for (auto& g : char_ngrams(text, lo, hi))
      if (seen.insert(g).second) {
        auto [it, fresh] = vocab.emplace(g, static_cast<int>(vocab.size()));
        if (fresh) df.push_back(0);
        df[it->second] += 1;
      }
    ++docs;
  }
  SparseVec vec(const std::string& text) const {
    std::map<int, float> tf;
    for (auto& g : char_ngrams(text, lo, hi))
      if (auto it = vocab.find(g); it != vocab.end()) tf[it->second] += 1;
    SparseVec v;
    double norm = 0;
    for (auto [id, c] : tf) {
      const float w = float((1 + std::log(c)) * std::log((docs + 1.0) / (df[id] + 1.0)));
      v.push_back({id, w});
      norm += double(w) * w;
    }
    norm = std::sqrt(norm);
    if (norm > 0)
      for (auto& [id, w] : v) w = float(w / norm);
    return v;
  }
};

// Inverted index over sparse vectors: the k nearest by cosine.
struct Index {
  std::vector<SparseVec> postings;  // feature → (document, weight)
  int size = 0;

  void add(const SparseVec& v) {
    for (auto [id, w] : v) {
      if (postings.size() <= size_t(id)) postings.resize(id + 1);
      postings[id].push_back({size, w});
    }
    ++size;
  }
  std::vector<std::pair<int, float>> nearest(const SparseVec& q, size_t k,
                                             const std::function<bool(int)>& skip) const {
    std::vector<float> acc(size, 0);
    std::vector<int> touched;
    for (auto [id, w] : q) {
      if (size_t(id) >= postings.size()) continue;
      for (auto [d, dw] : postings[id]) {
        if (acc[d] == 0) touched.push_back(d);
        acc[d] += w * dw;
      }
    }
    std::vector<std::pair<int, float>> out;
    for (int d : touched)
      if (!skip(d)) out.push_back({d, acc[d]});
    const size_t n = std::min(k, out.size());
    std::partial_sort(out.begin(), out.begin() + n, out.end(),
                      [](auto& a, auto& b) { return a.second > b.second; });
    out.resize(n);
    return out;
  }
};

// Pretrained word vectors (word2vec binary format), each scaled to unit length.
struct WordVectors {
  std::unordered_map<std::string, std::vector<float>> vec;
  int dim = 0;
  static constexpr size_t kMaxWord = 6;  // code points

  bool load(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    long words = 0;
    if (std::fscanf(f, "%ld %d", &words, &dim) != 2) {
      std::fclose(f);
      return false;
    }
    std::fgetc(f);
    std::vector<float> v(dim);
    for (long w = 0; w < words; ++w) {
      std::string word;
      int c;
      while ((c = std::fgetc(f)) != EOF && c != ' ')
        if (c != '\n') word.push_back(char(c));
      if (std::fread(v.data(), sizeof(float), dim, f) != size_t(dim)) break;
      unit(v);
      vec.emplace(normalize(word), v);
    }
    std::fclose(f);
    return !vec.empty();
  }
  static void unit(std::vector<float>& v) {
    double n = 0;
    for (float x : v) n += double(x) * x;
    n = std::sqrt(n);
    if (n > 0)
      for (float& x : v) x = float(x / n);
  }
  // The words of the text by greedy longest match against the vocabulary; those shorter than
  // min_len code points are matched (so they are not split differently) but not returned.
  std::vector<std::string> words(const std::string& text, size_t min_len) const {
    std::vector<size_t> starts;
    for (size_t i = 0; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
    starts.push_back(text.size());
    std::vector<std::string> out;
    for (size_t i = 0; i + 1 < starts.size();) {
      size_t taken = 1;
      for (size_t len = std::min(kMaxWord, starts.size() - 1 - i); len >= 1; --len) {
        std::string w = text.substr(starts[i], starts[i + len] - starts[i]);
        if (vec.count(w)) {
          if (len >= min_len) out.push_back(std::move(w));
          taken = len;
          break;
        }
      }
      i += taken;
    }
    return out;
  }
  // Unit-length mean of the vectors of the text's words.
  std::vector<float> embed(const std::string& text) const {
    std::vector<float> out(dim);
    for (auto& w : words(text, 1)) {
      const auto& v = vec.at(w);
      for (int d = 0; d < dim; ++d) out[d] += v[d];
    }
    unit(out);
    return out;
  }
};

// Softmax regression on dense vectors: full-batch gradient descent, L2 penalty.
struct Softmax {
  int classes = 0, dim = 0;
  std::vector<double> w;  // classes × (dim + 1), bias last

  void train(const std::vector<std::vector<float>>& x, const std::vector<int>& y, int n_classes,
             const Options& o) {
    classes = n_classes;
    dim = int(x[0].size());
    w.assign(size_t(classes) * (dim + 1), 0);
    std::vector<double> g(w.size()), p(classes);
    for (int e = 0; e < o.softmax_epochs; ++e) {
      std::fill(g.begin(), g.end(), 0);
      for (size_t i = 0; i < x.size(); ++i) {
        scores(x[i], p);
        for (int c = 0; c < classes; ++c) {
          const double d = p[c] - (y[i] == c);
          double* gc = &g[size_t(c) * (dim + 1)];
          for (int k = 0; k < dim; ++k) gc[k] += d * x[i][k];
          gc[dim] += d;
        }
      }
      for (size_t k = 0; k < w.size(); ++k)
        w[k] -= o.softmax_rate * (g[k] / double(x.size()) + o.softmax_l2 * w[k]);
    }
  }
  void scores(const std::vector<float>& x, std::vector<double>& p) const {
    double top = -1e300;
    for (int c = 0; c < classes; ++c) {
      const double* wc = &w[size_t(c) * (dim + 1)];
      double s = wc[dim];
      for (int k = 0; k < dim; ++k) s += wc[k] * x[k];
      p[c] = s;
      top = std::max(top, s);
    }
    double z = 0;
    for (auto& v : p) z += (v = std::exp(v - top));
    for (auto& v : p) v /= z;
  }
};

// Appends to each title the nearest words (cosine ≥ min_cosine) of each of its words (≥ 2
// characters), chosen among the words found in at least two titles.
void expand_titles(std::vector<Example>& examples, const std::vector<std::string>& norm_titles,
                   const WordVectors& wv, const Options& o) {
  std::unordered_map<std::string, int> df;
  std::vector<std::vector<std::string>> title_words;
  for (auto& t : norm_titles) {
    title_words.push_back(wv.words(t, 2));
    for (auto& w :
         std::unordered_set<std::string>(title_words.back().begin(), title_words.back().end()))
      df[w]++;
  }
  std::vector<std::string> targets;
  for (auto& [w, c] : df)
    if (c >= 2) targets.push_back(w);
  std::sort(targets.begin(), targets.end());
  std::unordered_map<std::string, std::vector<std::string>> near;
  for (auto& [w, c] : df) {
    const auto& v = wv.vec.at(w);
    std::vector<std::pair<float, int>> best;
    for (size_t j = 0; j < targets.size(); ++j) {
      if (targets[j] == w) continue;
      const auto& u = wv.vec.at(targets[j]);
      float d = 0;
      for (int k = 0; k < wv.dim; ++k) d += v[k] * u[k];
      if (d >= o.min_cosine) best.push_back({d, int(j)});
    }
    std::sort(best.begin(), best.end(), std::greater<>());
    for (size_t r = 0; r < std::min(size_t(o.expand), best.size()); ++r)
      near[w].push_back(targets[best[r].second]);
  }
  for (size_t i = 0; i < examples.size(); ++i) {
    std::string add;
    for (auto& w : title_words[i])
      for (auto& n : near[w]) add += " " + n;
    examples[i].text += " |" + add;
  }
  std::fprintf(stderr, "expanded: %s\n", examples[100].text.c_str());
}

// Clusters the title words (≥ 2 characters) by spherical k-means and appends to each title one
// private-use character per word, naming its cluster, so the character n-grams see the clusters.
void append_clusters(std::vector<Example>& examples, const std::vector<std::string>& norm_titles,
                     const WordVectors& wv, const Options& o) {
  std::unordered_map<std::string, int> word_id;
  std::vector<const std::vector<float>*> vecs;
  std::vector<std::vector<std::string>> title_words;
  for (auto& t : norm_titles) {
    title_words.push_back(wv.words(t, 2));
    for (auto& w : title_words.back())
      if (word_id.emplace(w, int(vecs.size())).second) vecs.push_back(&wv.vec.at(w));
  }
  const int k_count = o.clusters, dim = wv.dim;
  std::vector<std::vector<float>> centre(k_count);
  Rng rng(7);
  for (auto& c : centre) c = *vecs[rng.below(vecs.size())];
  std::vector<int> assign(vecs.size());
  for (int round = 0; round < 15; ++round) {
    for (size_t j = 0; j < vecs.size(); ++j) {
      float best = -2;
      for (int c = 0; c < k_count; ++c) {
        float d = 0;
        for (int k = 0; k < dim; ++k) d += (*vecs[j])[k] * centre[c][k];
        if (d > best) best = d, assign[j] = c;
      }
    }
    for (auto& c : centre) std::fill(c.begin(), c.end(), 0.f);
    for (size_t j = 0; j < vecs.size(); ++j)
      for (int k = 0; k < dim; ++k) centre[assign[j]][k] += (*vecs[j])[k];
    for (auto& c : centre) WordVectors::unit(c);
  }
  auto private_use = [](int c) {
    const unsigned cp = 0xE000 + unsigned(c);
    return std::string{char(0xE0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3F)),
                       char(0x80 | (cp & 0x3F))};
  };
  for (size_t i = 0; i < examples.size(); ++i) {
    std::string add;
    for (auto& w : title_words[i]) add += " " + private_use(assign[word_id[w]]);
    examples[i].text += " |" + add;
  }
  std::fprintf(stderr, "%zu words in %d clusters\n", vecs.size(), k_count);
}

std::vector<int> parse_seeds(const std::string& s) {
  std::vector<int> out;
  for (size_t p = 0; p < s.size();) {
    size_t q = s.find(',', p);
    if (q == std::string::npos) q = s.size();
    out.push_back(std::stoi(s.substr(p, q - p)));
    p = q + 1;
  }
  return out;
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc && a != "--errors") return false;
    if (a == "--titles")
      o.titles = argv[++i];
    else if (a == "--extra")
      o.extra = argv[++i];
    else if (a == "--unlabelled")
      o.unlabelled.push_back(argv[++i]);
    else if (a == "--seeds")
      o.seeds = parse_seeds(argv[++i]);
    else if (a == "--recipe")
      o.recipe = argv[++i];
    else if (a == "--grams") {
      const std::string g = argv[++i];
      o.gram_min = g[0] - '0';
      o.gram_max = g.back() - '0';
    } else if (a == "--power")
      o.vote_power = std::atof(argv[++i]);
    else if (a == "--vectors")
      o.vectors = argv[++i];
    else if (a == "--epochs")
      o.softmax_epochs = std::atoi(argv[++i]);
    else if (a == "--rate")
      o.softmax_rate = std::atof(argv[++i]);
    else if (a == "--l2")
      o.softmax_l2 = std::atof(argv[++i]);
    else if (a == "--expand")
      o.expand = std::atoi(argv[++i]);
    else if (a == "--min-cosine")
      o.min_cosine = std::atof(argv[++i]);
    else if (a == "--clusters")
      o.clusters = std::atoi(argv[++i]);
    else if (a == "--errors")
      o.errors = true;
    else
      return false;
  }
  return !o.titles.empty() && !o.extra.empty();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: text_neighbors --titles CSV --extra CSV [--unlabelled CSV]... "
                 "[--seeds 1,2,3] [--recipe R] [--grams 1-2] [--power 1] [--vectors FILE "
                 "[--epochs N --rate R --l2 L] [--expand M --min-cosine X | --clusters K]] "
                 "[--errors]\n");
    return 2;
  }
  auto titles = read_csv_file(o.titles);
  auto sup_table = read_csv_file(o.extra);
  if (!titles || !sup_table) {
    std::fprintf(stderr, "cannot read the titles or the extra file\n");
    return 1;
  }
  std::vector<Example> examples = *examples_from_csv(*titles, "title", "label");
  const std::vector<Supplement> supplements =
      *supplements_from_csv(*sup_table, "title", "text", "label");
  // The unlabelled messages, deduplicated: normalised title, and title + body.
  std::vector<std::string> u_title, u_text;
  std::unordered_set<std::string> seen;
  for (auto& file : o.unlabelled) {
    auto t = read_csv_file(file);
    if (!t) {
      std::fprintf(stderr, "cannot read %s\n", file.c_str());
      return 1;
    }
    const size_t ti = *t->column("留言主题"), bi = *t->column("留言详情");
    for (auto& row : t->rows) {
      const std::string title = normalize(row[ti]);
      if (!seen.insert(title + "\n" + row[bi]).second) continue;
      u_title.push_back(title);
      u_text.push_back(row[ti] + "\n" + row[bi]);
    }
  }
  std::fprintf(stderr, "%zu titles, %zu supplements, %zu unlabelled messages\n", examples.size(),
               supplements.size(), u_title.size());

  const size_t n = examples.size();
  const std::vector<Example> original = examples;  // before --expand or --clusters change texts
  std::vector<std::string> norm_titles, truth_labels;
  Vectorizer vz;
  vz.lo = o.gram_min;
  vz.hi = o.gram_max;
  for (auto& e : examples) {
    truth_labels.push_back(e.label);
    norm_titles.push_back(normalize(e.text));
    vz.fit(norm_titles.back());
  }
  for (auto& t : u_title) vz.fit(t);
  std::vector<SparseVec> title_vec;
  for (auto& t : norm_titles) title_vec.push_back(vz.vec(t));
  Index u_index;
  for (auto& t : u_title) u_index.add(vz.vec(t));

  WordVectors wv;
  const bool vectors = !o.vectors.empty() && wv.load(o.vectors);
  if (!o.vectors.empty() && !vectors) {
    std::fprintf(stderr, "cannot read the word vectors %s\n", o.vectors.c_str());
    return 1;
  }
  std::vector<std::vector<float>> title_emb;
  if (vectors) {
    for (auto& t : norm_titles) title_emb.push_back(wv.embed(t));
    std::fprintf(stderr, "word vectors: %zu words, %d dimensions\n", wv.vec.size(), wv.dim);
    if (o.expand > 0) expand_titles(examples, norm_titles, wv, o);
    if (o.clusters > 0) append_clusters(examples, norm_titles, wv, o);
  }

  std::map<std::string, int> label_id;
  for (auto& e : examples) label_id.emplace(e.label, 0);
  std::vector<std::string> labels;
  for (auto& [label, id] : label_id) {
    id = int(labels.size());
    labels.push_back(label);
  }
  const int classes = int(labels.size());
  std::vector<int> truth(n);
  for (size_t i = 0; i < n; ++i) truth[i] = label_id[examples[i].label];

  const std::vector<size_t> ks = {3, 5, 7, 10};
  const std::vector<double> betas = {0, 0.5, 0.8, 1.2, 1.6, 2.5};
  const std::vector<double> alphas =
      u_title.empty() ? std::vector<double>{0} : std::vector<double>{0, 0.2, 0.5, 1, 2};
  const std::vector<double> gammas =
      vectors ? std::vector<double>{0, 0.2, 0.3, 0.5} : std::vector<double>{0};
  std::map<std::tuple<size_t, double, double, double>, std::vector<double>> results;
  std::map<double, std::vector<double>> vectors_alone;  // γ → macro-F1, model + γ · vectors

  for (int seed : o.seeds) {
    // The folds of `text cross-validate`; the supplements follow their titles' folds.
    constexpr int kFolds = 5;
    const std::vector<int> fold_of = stratified_folds(examples, kFolds, seed);
    const std::vector<int> supplement_fold = supplement_folds(original, fold_of, supplements);

    using Scores = std::vector<std::vector<double>>;
    Scores model_score(n, std::vector<double>(classes)), emb_score = model_score;
    std::map<size_t, Scores> knn, unl;  // per k: training-title votes, unlabelled-message scores
    for (size_t k : ks) knn[k] = unl[k] = model_score;

    for (int f = 0; f < kFolds; ++f) {
      std::vector<Example> train;
      std::vector<size_t> train_idx, test_idx;
      for (size_t i = 0; i < n; ++i) {
        if (fold_of[i] == f) {
          test_idx.push_back(i);
        } else {
          train.push_back(examples[i]);
          train_idx.push_back(i);
        }
      }
      std::vector<Supplement> train_sup;
      for (size_t j = 0; j < supplements.size(); ++j)
        if (supplement_fold[j] != f) train_sup.push_back(supplements[j]);
      auto model = train_classifier(train, train_sup, o.recipe);
      if (!model) {
        std::fprintf(stderr, "training failed: %s\n", model.error().message_en().c_str());
        return 1;
      }
      auto scores_of = [&](const std::string& text) {
        std::vector<double> s(classes);
        for (auto& ls : (*model)->predict(text, classes).top) s[label_id[ls.label]] = ls.score;
        return s;
      };
      Scores u_score(u_text.size());
      for (size_t j = 0; j < u_text.size(); ++j) u_score[j] = scores_of(u_text[j]);
      if (vectors) {
        std::vector<std::vector<float>> xs;
        std::vector<int> ys;
        for (size_t i : train_idx) {
          xs.push_back(title_emb[i]);
          ys.push_back(truth[i]);
        }
        Softmax sm;
        sm.train(xs, ys, classes, o);
        for (size_t i : test_idx) sm.scores(title_emb[i], emb_score[i]);
      }
      Index train_index;
      for (size_t i : train_idx) train_index.add(title_vec[i]);
      for (size_t i : test_idx) {
        model_score[i] = scores_of(examples[i].text);
        const auto tn = train_index.nearest(title_vec[i], ks.back(), [](int) { return false; });
        const auto un = u_index.nearest(title_vec[i], ks.back(),
                                        [&](int d) { return u_title[d] == norm_titles[i]; });
        for (size_t k : ks) {
          for (size_t r = 0; r < std::min(k, tn.size()); ++r)
            knn[k][i][truth[train_idx[tn[r].first]]] += std::pow(tn[r].second, o.vote_power);
          for (size_t r = 0; r < std::min(k, un.size()); ++r)
            for (int c = 0; c < classes; ++c)
              unl[k][i][c] += std::pow(un[r].second, o.vote_power) * u_score[un[r].first][c];
        }
      }
      std::fprintf(stderr, "seed %d fold %d\n", seed, f);
    }

    if (o.errors)
      for (size_t i = 0; i < n; ++i) {
        const int best = int(std::max_element(model_score[i].begin(), model_score[i].end()) -
                             model_score[i].begin());
        if (best != truth[i])
          std::printf("error\t%s\t%s\t%.2f\t%s\n", labels[truth[i]].c_str(), labels[best].c_str(),
                      model_score[i][best], original[i].text.c_str());
      }
    auto score_with = [&](auto&& combined) {
      std::vector<std::string> pred(n);
      for (size_t i = 0; i < n; ++i) {
        double best = -1e300;
        for (int c = 0; c < classes; ++c)
          if (const double s = combined(i, c); s > best) best = s, pred[i] = labels[c];
      }
      return score(truth_labels, pred).macro_f1;
    };
    if (vectors)
      for (double g : {0.0, 0.1, 0.2, 0.3, 0.5, 1.0, 1e6})
        vectors_alone[g].push_back(
            score_with([&](size_t i, int c) { return model_score[i][c] + g * emb_score[i][c]; }));
    for (size_t k : ks)
      for (double b : betas)
        for (double a : alphas)
          for (double g : gammas)
            results[{k, b, a, g}].push_back(score_with([&](size_t i, int c) {
              return model_score[i][c] + b * knn[k][i][c] / double(k) +
                     a * unl[k][i][c] / double(k) + g * emb_score[i][c];
            }));
  }

  auto line = [](const std::vector<double>& v) {
    std::string s;
    double mean = 0;
    char buf[32];
    for (double x : v) {
      std::snprintf(buf, sizeof buf, " %.4f", x);
      s += buf;
      mean += x;
    }
    std::snprintf(buf, sizeof buf, " | %.4f", mean / double(v.size()));
    return std::make_pair(mean / double(v.size()), s + buf);
  };
  if (vectors) {
    std::printf("model + γ · word-vector softmax (γ = 1e6: the softmax alone) | seeds | mean\n");
    for (auto& [g, v] : vectors_alone) std::printf("γ %g |%s\n", g, line(v).second.c_str());
  }
  std::printf("k β α γ | seeds | mean (best first)\n");
  std::vector<std::pair<double, std::string>> rows;
  for (auto& [key, v] : results) {
    auto [k, b, a, g] = key;
    char head[64];
    std::snprintf(head, sizeof head, "%2zu %.2f %.2f %.2f |", k, b, a, g);
    auto [mean, text] = line(v);
    rows.push_back({mean, head + text});
  }
  std::stable_sort(rows.begin(), rows.end(), [](auto& x, auto& y) { return x.first > y.first; });
  for (auto& [mean, text] : rows) std::printf("%s\n", text.c_str());
}
