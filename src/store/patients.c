/*
 * patients.c - the patients table.
 *
 * Every search is one statement: each prefix is a range `key >= lo AND
 * key < hi` on an indexed key (never LIKE with a leading wildcard), and
 * the page is a row-value comparison `(sort_key, id) > (x, y)` over the
 * (account_id, sort_key, id) index, so the work per request is bounded by
 * the page and the matches, never by N+1 queries.
 */
#include "store/patients.h"

#include "base/assert.h"

#define PATIENT_COLS                                                           \
    "id, first_name, last_name, email, phone, date_of_birth, notes, "          \
    "archived, created_at_ms, updated_at_ms"
#define ROW_PARAMS 15

static const char sql_insert[] =
    "INSERT INTO patients (account_id, " PATIENT_COLS ", sort_key, "
    "first_key, last_key, phone_key) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8, $9, $10, $11, $12, $13, $14, $15)";
/*
 * created_at_ms never changes; matching it uses $10, which PostgreSQL
 * requires of every parameter it is sent.
 */
static const char sql_update[] =
    "UPDATE patients SET first_name = $3, last_name = $4, email = $5, "
    "phone = $6, date_of_birth = $7, notes = $8, archived = $9, "
    "updated_at_ms = $11, sort_key = $12, first_key = $13, last_key = $14, "
    "phone_key = $15 WHERE account_id = $1 AND id = $2 "
    "AND created_at_ms = $10 RETURNING id";
static const char sql_get[] = "SELECT " PATIENT_COLS " FROM patients "
                              "WHERE account_id = $1 AND id = $2";
static const char sql_cursor[] = "SELECT sort_key FROM patients "
                                 "WHERE account_id = $1 AND id = $2";

/*
 * $1 account, $2 archived, $3 $4 the cursor (sort key and id of the last
 * row of the previous page, or "" ""), $5 the limit.
 */
#define LIST_PARAMS 5
#define WORDS_PARAMS 15
#define LIST_TAIL " ORDER BY sort_key, id LIMIT $5"

static const char sql_list[] =
    "SELECT " PATIENT_COLS " FROM patients WHERE account_id = $1 "
    "AND archived = $2 AND (sort_key, id) > ($3, $4)" LIST_TAIL;

/*
 * A search is an OR of key ranges, each naming the account so that it is
 * an index range of its own, then sorted. The cursor compares
 * `sort_key || ''` rather than sort_key: otherwise SQLite, which has no
 * statistics to go by, prefers walking the whole account in name order
 * through the sort index and filtering, which costs every patient of the
 * account instead of the matches.
 */
#define SEARCH_HEAD                                                            \
    "SELECT " PATIENT_COLS " FROM patients WHERE archived = $2 "               \
    "AND (sort_key || '', id) > ($3, $4) AND "

/* $6 $7: one word, a prefix of either name or of the e-mail. */
static const char sql_word[] = SEARCH_HEAD
    "((account_id = $1 AND first_key >= $6 AND first_key < $7) "
    "OR (account_id = $1 AND last_key >= $6 AND last_key < $7) "
    "OR (account_id = $1 AND email >= $6 AND email < $7))" LIST_TAIL;
static const char sql_email[] = SEARCH_HEAD
    "account_id = $1 AND email >= $6 AND email < $7" LIST_TAIL;
static const char sql_phone[] = SEARCH_HEAD
    "account_id = $1 AND phone_key >= $6 AND phone_key < $7" LIST_TAIL;
/*
 * $6 $7 the whole text: one name with a space in it ("mary ann",
 * "de la cruz"); $8..$11 split at the first space: "first last" or "last
 * first"; $12..$15 split at the last space: "first last" when the first
 * name has a space ("mary ann smith") or "last first" when the last name
 * has one ("de la cruz ana").
 */
static const char sql_words[] = SEARCH_HEAD
    "((account_id = $1 AND first_key >= $6 AND first_key < $7) "
    "OR (account_id = $1 AND last_key >= $6 AND last_key < $7) "
    "OR (account_id = $1 AND last_key >= $12 AND last_key < $13 "
    "AND first_key >= $14 AND first_key < $15) "
    "OR (account_id = $1 AND first_key >= $8 AND first_key < $9 "
    "AND last_key >= $10 AND last_key < $11) "
    "OR (account_id = $1 AND last_key >= $8 AND last_key < $9 "
    "AND first_key >= $10 AND first_key < $11) "
    "OR (account_id = $1 AND first_key >= $12 AND first_key < $13 "
    "AND last_key >= $14 AND last_key < $15))" LIST_TAIL;

static void
bind(const char *account_id, const struct patient *p,
     const struct patient_keys *k, struct db_param *params)
{
    params[0] = P_TEXT(account_id);
    params[1] = P_TEXT(p->id);
    params[2] = P_TEXT(p->first_name);
    params[3] = P_TEXT(p->last_name);
    params[4] = P_TEXT(p->email);
    params[5] = P_TEXT(p->phone);
    params[6] = P_TEXT(p->date_of_birth);
    params[7] = P_TEXT(p->notes);
    params[8] = P_BOOL(p->archived);
    params[9] = P_I64(p->created_at_ms);
    params[10] = P_I64(p->updated_at_ms);
    params[11] = P_TEXT(k->sort);
    params[12] = P_TEXT(k->first);
    params[13] = P_TEXT(k->last);
    params[14] = P_TEXT(k->phone[0] != '\0' ? k->phone : NULL);
}

static void
row(const struct db_rows *r, size_t i, struct patient *p)
{
    p->id = db_text(r, i, 0);
    p->first_name = db_text(r, i, 1);
    p->last_name = db_text(r, i, 2);
    p->email = db_text(r, i, 3);
    p->phone = db_text(r, i, 4);
    p->date_of_birth = db_text(r, i, 5);
    p->notes = db_text(r, i, 6);
    p->archived = db_bool(r, i, 7);
    p->created_at_ms = db_i64(r, i, 8);
    p->updated_at_ms = db_i64(r, i, 9);
}

enum err
store_patient_insert(struct db *db, struct arena *a, const char *account_id,
                     const struct patient *p, const struct patient_keys *k,
                     struct errinfo *ei)
{
    struct db_param params[ROW_PARAMS];

    ASSERT(account_id != NULL && account_id[0] != '\0');
    ASSERT(p->id != NULL);
    bind(account_id, p, k, params);
    return db_exec(db, a, sql_insert, params, ROW_PARAMS, NULL, ei);
}

enum err
store_patient_update(struct db *db, struct arena *a, const char *account_id,
                     const struct patient *p, const struct patient_keys *k,
                     struct errinfo *ei)
{
    struct db_param params[ROW_PARAMS];
    struct db_rows rows;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    ASSERT(p->id != NULL);
    bind(account_id, p, k, params);
    rc = db_one(db, a, sql_update, params, ROW_PARAMS, &rows, ei);
    if (rc)
        return rc;
    ASSERT(rows.nrows == 1);
    return ERR_OK;
}

enum err
store_patient_get(struct db *db, struct arena *a, const char *account_id,
                  const char *id, struct patient *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows rows;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_one(db, a, sql_get, p, 2, &rows, ei);
    if (rc)
        return rc;
    row(&rows, 0, out);
    return ERR_OK;
}

/* The sort key of patient id, to page after it. */
static enum err
cursor_key(struct db *db, struct arena *a, const char *account_id,
           const char *id, const char **out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows rows;
    enum err rc = db_one(db, a, sql_cursor, p, 2, &rows, ei);

    if (rc)

        return rc;
    *out = db_text(&rows, 0, 0);
    ASSERT(*out != NULL);
    return ERR_OK;
}

/* Pick the statement for q and bind its ranges after the LIST_PARAMS. */
static size_t
bind_query(const struct patient_query *q, struct db_param *p, const char **sql)
{
    switch (q->kind) {
    case PATIENT_QUERY_NONE:
        *sql = sql_list;
        return LIST_PARAMS;
    case PATIENT_QUERY_WORD:
        *sql = sql_word;
        break;
    case PATIENT_QUERY_EMAIL:
        *sql = sql_email;
        break;
    case PATIENT_QUERY_PHONE:
        *sql = sql_phone;
        break;
    case PATIENT_QUERY_WORDS:
        *sql = sql_words;
        p[7] = P_TEXT(q->head.lo);
        p[8] = P_TEXT(q->head.hi);
        p[9] = P_TEXT(q->tail.lo);
        p[10] = P_TEXT(q->tail.hi);
        p[11] = P_TEXT(q->init.lo);
        p[12] = P_TEXT(q->init.hi);
        p[13] = P_TEXT(q->last.lo);
        p[14] = P_TEXT(q->last.hi);
        break;
    default:
        ASSERT(!"unreachable");
    }
    p[5] = P_TEXT(q->whole.lo);
    p[6] = P_TEXT(q->whole.hi);
    return q->kind == PATIENT_QUERY_WORDS ? WORDS_PARAMS : LIST_PARAMS + 2;
}

enum err
store_patient_list(struct db *db, struct arena *a, const char *account_id,
                   const struct patient_query *q, bool archived, int64_t limit,
                   const char *starting_after, struct patient **out,
                   size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[WORDS_PARAMS];
    const char *sql;
    size_t n;
    const char *after_key = "";
    struct db_rows rows;
    struct patient *ps;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    ASSERT(limit >= 1 && limit <= 100);
    if (starting_after != NULL) {
        rc = cursor_key(db, a, account_id, starting_after, &after_key, ei);
        if (rc)
            return rc;
    }
    p[0] = P_TEXT(account_id);
    p[1] = P_BOOL(archived);
    p[2] = P_TEXT(after_key);
    p[3] = P_TEXT(starting_after != NULL ? starting_after : "");
    p[4] = P_I64(limit + 1);
    n = bind_query(q, p, &sql);
    rc = db_exec(db, a, sql, p, n, &rows, ei);
    if (rc)
        return rc;
    *count = db_page(&rows, limit, has_more);
    ps = arena_array(a, *count + 1, sizeof(*ps));
    if (ps == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *count; i++)
        row(&rows, i, &ps[i]);
    *out = ps;
    return ERR_OK;
}
