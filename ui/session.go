package ui

import (
	"errors"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// session is one run of the wizard, whichever front end asks the questions
// (the full-screen model or the accessible runner embed it): the answers,
// their draft on disk, the creates whose outcome is unknown, and the last
// image created or found. It is plain Go: no bubbletea, nothing printed.
// It is used from one goroutine at a time (the program's, or the
// accessible runner's).
type session struct {
	a Answers // every answer, as typed or picked; the forms bind to its fields

	drafts *drafts
	start  draftStart // what the run started from: a draft to offer, a damaged one to report
	// initial are the answers the run, or the last image, started from:
	// while they are unchanged at the first step, no answer is worth
	// saving. answersSaved: answers were saved since then.
	initial      Answers
	answersSaved bool
	blank        Answers // the answers of a draft that only keeps unknown outcomes

	// Duplicate safety, by image name: when the first create since the
	// last image of that name was sent, and the names whose create had no
	// clear answer (sending one again first looks for the image).
	firstTry map[string]time.Time
	unknown  map[string]time.Time

	lastCreated *client.Result       // the last image created (or found) in this run
	told        func(*client.Result) // Options.Created
	now         func() time.Time
}

// newSession starts a run from the command line's answers and reads the
// draft (a damaged one is set aside and reported in start.notice).
func newSession(o Options, cat *client.Catalog, loc *l10n.Localizer) *session {
	a := AnswersFromRequest(o.Initial, cat)
	if o.Review != nil {
		a = AnswersFromInput(*o.Review, cat)
	}
	s := &session{a: a, initial: a, blank: AnswersFromRequest(client.Request{}, cat),
		firstTry: map[string]time.Time{}, unknown: map[string]time.Time{}, now: time.Now, told: o.Created}
	s.start, s.drafts = openDraft(o, cat, s.now, loc)
	if o.Review != nil {
		s.start.found = nil // the paste is what the user asked for: the draft stays, not offered
	}
	return s
}

// save keeps the answers as a draft, with step (where the user is) and the
// unknown outcomes; but while nothing was given beyond where the run (or
// the last image) started, only the unknown outcomes, if any. The front
// end decides when saving makes sense at all (not while the answers are
// those of the image shown).
func (s *session) save(step string) {
	if !s.answersSaved && s.a.Equal(s.initial) && step == stepKey(stepName) {
		if len(s.unknown) > 0 {
			s.saveOutcomesOnly()
		}
		return
	}
	s.drafts.save(s.a, step, s.unknown)
	s.answersSaved = s.answersSaved || s.drafts.err == nil
}

// saveOutcomesOnly keeps the unknown outcomes in a draft without answers.
func (s *session) saveOutcomesOnly() {
	s.drafts.save(s.blank, stepKey(stepName), s.unknown)
}

// draftKept reports answers given in this run saved in the draft and not
// since made into an image.
func (s *session) draftKept() bool {
	return s.answersSaved && s.drafts.on() && s.drafts.err == nil
}

// crashReport is the *CrashError of a panic, naming the draft the answers
// were saved to (the front end saves them first).
func (s *session) crashReport(value any, stack []byte) *CrashError {
	ce := &CrashError{Value: value, Stack: stack, Saved: s.drafts.err}
	if s.drafts.on() {
		ce.Draft = s.drafts.path
	}
	return ce
}

// takeDraft resumes the draft found at the start: its answers (the command
// line's on top) and unknown outcomes. It returns the step to open, or
// review.
func (s *session) takeDraft() (id stepID, review bool) {
	d := s.start.found
	s.a = s.start.resumed
	s.unknown = unknownFrom(d.Unknown)
	for name, since := range s.unknown {
		s.firstTry[name] = since
	}
	id, review, _ = stepFromKey(d.Step)
	return id, review
}

// dropDraft starts fresh: the draft found at the start is removed.
func (s *session) dropDraft() { s.drafts.clear() }

// sending records that a create of name is about to be sent.
func (s *session) sending(name string) {
	if _, ok := s.firstTry[name]; !ok {
		s.firstTry[name] = s.now()
	}
}

// errNoImage is a Creator's answer that holds no image.
var errNoImage = errors.New("the server's answer holds no image")

// checkCreated is a Creator's answer as the wizard takes it: an answer
// without an image is an error.
func checkCreated(res *client.Result, err error) (*client.Result, error) {
	if err == nil && (res == nil || res.Image == nil) {
		return nil, errNoImage
	}
	return res, err
}

// ended records how a create of name ended, before the front end does
// anything else (even end the run): an image is created; an error that
// leaves the outcome unknown (client.IsAmbiguous: sent, then no clear
// answer, a cancel after it may have been sent included) is recorded as
// such. It reports whether an image was made.
func (s *session) ended(name string, res *client.Result, err error) bool {
	switch {
	case err == nil && res != nil && res.Image != nil:
		s.created(name, res)
		return true
	case client.IsAmbiguous(err):
		s.markUnknown(name)
	}
	return false
}

// markUnknown records that a create of name may have made an image: the
// next one looks for it first, among the images created since the first
// attempt.
func (s *session) markUnknown(name string) {
	if _, ok := s.unknown[name]; ok {
		return
	}
	since, ok := s.firstTry[name]
	if !ok {
		since = s.now()
	}
	s.unknown[name] = since
}

// forget drops an unknown outcome that turned out to be none (the request
// never left this machine).
func (s *session) forget(name string) { delete(s.unknown, name) }

// settle: the outcome of the creates of name is known, res (an image made
// or found); the answers stay as they are.
func (s *session) settle(name string, res *client.Result) {
	delete(s.unknown, name)
	delete(s.firstTry, name)
	s.lastCreated = res
	s.tell(res)
}

// tell passes an image created, found or read again to Options.Created.
func (s *session) tell(res *client.Result) {
	if s.told != nil && res != nil && res.Image != nil {
		s.told(res)
	}
}

// created: the answers made res (or found it, after a lost answer). That
// name's outcome is settled; the draft loses its answers but keeps the
// other names' unknown outcomes (or goes, when there are none). The
// answers stay, the start of the next image.
func (s *session) created(name string, res *client.Result) {
	s.settle(name, res)
	s.initial, s.answersSaved = s.a, false
	if len(s.unknown) == 0 {
		s.drafts.clear()
		return
	}
	s.saveOutcomesOnly()
}

// uploaded: the image id was read again after an upload; the last image
// created shows it as it is now.
func (s *session) uploaded(id string, read *client.Result) {
	if s.lastCreated != nil && s.lastCreated.Image != nil && s.lastCreated.Image.ID == id {
		s.lastCreated = withImage(s.lastCreated, read)
		s.tell(s.lastCreated)
	}
}
