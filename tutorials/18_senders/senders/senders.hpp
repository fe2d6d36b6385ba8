#pragma once
// Lesson 18's senders library, whole: the shape of P2300 std::execution, not the standard
// library (values.hpp says what a sender, a receiver and an operation state are).

#include "tutorials/18_senders/senders/from_asio.hpp"
#include "tutorials/18_senders/senders/just.hpp"
#include "tutorials/18_senders/senders/let_value.hpp"
#include "tutorials/18_senders/senders/schedule.hpp"
#include "tutorials/18_senders/senders/start_owned.hpp"
#include "tutorials/18_senders/senders/sync_wait.hpp"
#include "tutorials/18_senders/senders/then.hpp"
#include "tutorials/18_senders/senders/values.hpp"
#include "tutorials/18_senders/senders/when_all.hpp"
