package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
)

// page is one screen of the wizard: it owns its state, gets the shared
// *common, and talks to the wizard only with named messages. The wizard
// routes messages to the page on screen and switches pages; it knows
// nothing of a page's inside.
type page interface {
	// update handles a key or a message meant for the page. It returns
	// the page's command, and the message it sends up to the wizard (nil
	// for none), which the wizard handles at once: a key typed right after
	// never reaches a page the user has already left.
	update(msg tea.Msg) (tea.Cmd, tea.Msg)
	// view is the page's body, between the header and the footer.
	view() string
	// status is the header's right side: the step counter, "created"…
	status() string
	// keys are the bindings the page honours now, drawn in the footer.
	keys() []key.Binding
	// resize follows a new terminal size (common's width and height).
	resize() tea.Cmd
}

// busyPage is a page with something in flight (a request, an upload):
// ctrl+c is the page's (it cancels that) rather than the wizard's (quit).
type busyPage interface {
	busy() bool
}

// The messages the pages send up, named after what happened. Pages that
// own a message's data define it next to themselves (fileChosenMsg,
// uploadEndedMsg…).
type (
	stepDoneMsg struct{ id stepID } // the step's answers are given: on to the next
	stepBackMsg struct{ id stepID } // back from the step's first field (or esc)

	resumeDraftMsg struct{} // the first screen: resume the draft found
	startFreshMsg  struct{} // … or remove it

	submitMsg   struct{}            // the review: send the request
	editStepMsg struct{ id stepID } // edit one step, then come back to the review
	reviewBack  struct{}            // back from the review to the last step
	quitMsg     struct{ err error } // end the wizard with err (the last image created is returned with it)

	// A create's answer, to the wizard even when the user has left the
	// page that sent it: the wizard records every outcome.
	createdMsg struct {
		seq    int
		name   string // the name sent
		result *client.Result
	}
	failedMsg struct {
		seq  int
		name string
		err  error
	}
	requestCancelledMsg struct{ req client.Request } // esc while it was in flight

	foundMsg struct { // the look-up's answer
		seq  int
		imgs []*client.Image
		err  error
	}
	useImageMsg   struct{ img *client.Image } // the image the look-up found is the result: nothing is sent
	lookupBackMsg struct{}                    // back to where the look-up started

	editAnswersMsg struct{} // the error view: back to the review's step list
	retryMsg       struct{} // send again (looking first when the outcome is unknown)

	uploadWantedMsg  struct{}                     // the result: choose the file to upload
	createAnotherMsg struct{}                     // start over from these answers
	finishMsg        struct{ res *client.Result } // quit with this image (and an upload's error, if any)
	uploadLeftMsg    struct{ banner string }      // esc while uploading: back to the image, the upload cancelled
	uploadSeenMsg    struct{ banner string }      // the upload's error was read: back to the image
)
