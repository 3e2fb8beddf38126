#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <cmath>
#include <initializer_list>
#include <iterator>

namespace tg {

/// Small deterministic generator (xoshiro256**, seeded through splitmix64) for demo data. Its
/// own code rather than <random> distributions, whose output differs between standard libraries.
class DemoRandom
{
public:
    explicit DemoRandom(quint64 seed) { reseed(seed); }

    /// Mixes several numbers into one seed, so sub-streams (per trace, per session) are
    /// independent of each other and of the order they are generated in.
    static quint64 mix(quint64 a, quint64 b)
    {
        quint64 x = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
        return splitmix(x);
    }

    void reseed(quint64 seed)
    {
        quint64 x = seed;
        for (quint64 &s : m_state)
            s = splitmix(x);
    }

    quint64 next()
    {
        const quint64 result = rotl(m_state[1] * 5, 7) * 9;
        const quint64 t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// Uniform integer in [low, high].
    qint64 range(qint64 low, qint64 high)
    {
        if (high <= low)
            return low;
        const auto span = static_cast<quint64>(high - low) + 1;
        return low + static_cast<qint64>(next() % span);
    }
    int range(int low, int high)
    {
        return static_cast<int>(range(static_cast<qint64>(low), static_cast<qint64>(high)));
    }
    bool chance(double p) { return uniform() < p; }
    /// Log-normal around `median` (spread ~ the factor one standard deviation multiplies by).
    double logNormal(double median, double spread)
    {
        // Box-Muller; one value per call keeps the stream simple.
        const double u1 = std::max(uniform(), 1e-12);
        const double u2 = uniform();
        const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
        return median * std::exp(z * std::log(spread));
    }
    template<typename Container> const auto &pick(const Container &items)
    {
        const auto size = static_cast<qint64>(std::size(items));
        return *(std::begin(items) + range(qint64(0), size - 1));
    }
    /// Lower-case hex of `chars` digits (OTLP-style ids).
    QString hex(int chars)
    {
        static const char digits[] = "0123456789abcdef";
        QString out(chars, Qt::Uninitialized);
        quint64 bits = 0;
        for (int i = 0; i < chars; ++i) {
            if (i % 16 == 0)
                bits = next();
            out[i] = QLatin1Char(digits[bits & 0xf]);
            bits >>= 4;
        }
        return out;
    }
    /// Letters and digits, as in provider call ids ("call_...", "toolu_...").
    QString alnum(int chars)
    {
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        QString out(chars, Qt::Uninitialized);
        for (int i = 0; i < chars; ++i)
            out[i] = QLatin1Char(alphabet[next() % 62]);
        return out;
    }
    /// A version-4 style UUID.
    QString uuid()
    {
        QString h = hex(32);
        h[12] = u'4';
        return h.left(8) + u'-' + h.mid(8, 4) + u'-' + h.mid(12, 4) + u'-' + h.mid(16, 4) + u'-' + h.mid(20);
    }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    static quint64 splitmix(quint64 &x)
    {
        quint64 z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    quint64 m_state[4] {};
};

} // namespace tg
