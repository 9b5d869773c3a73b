/**
 * Online learning on Eddy streams (optional module): streaming k-means, multinomial and Gaussian
 * naive Bayes and Hoeffding trees, whose models are values in Eddy's changelogged stores, and the
 * operators that train them, apply them and publish them ({@link io.eddy.learning.OnlineLearning}).
 */
module io.eddy.learning {
    exports io.eddy.learning;

    requires transitive io.eddy.framework;
}
